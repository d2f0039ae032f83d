"""zh_CN glossary for townships, the register import of real county files, sites awaiting a
location and pinning (issue #16)."""

GLOSSARY = {
    # townships
    "The file is neither UTF-8 nor GBK text: save the code list as CSV (UTF-8) or the boundaries as GeoJSON.":
        "文件既不是 UTF-8 也不是 GBK 文本：请把区划代码表另存为 CSV（UTF-8），或把边界另存为 GeoJSON。",
    "No township found: the file needs two columns, the statistics code (统计用区划代码) and the name, one township per line.":
        "未找到乡镇：文件需要两列，即统计用区划代码和名称，每行一个乡镇（街道、园区）。",
    "The code %(codes)s appears more than once: keep one line per township.":
        "代码 %(codes)s 出现了不止一次：每个乡镇只保留一行。",
    "The GeoJSON is not a FeatureCollection: export the township boundaries as a FeatureCollection of polygons.":
        "该 GeoJSON 不是要素集合（FeatureCollection）：请把乡镇边界导出为由面要素组成的 FeatureCollection。",
    "A feature is a %(kind)s, not a polygon: the boundary file must hold township polygons (Polygon or MultiPolygon) only.":
        "有一个要素是 %(kind)s 而不是面：边界文件只能包含乡镇的面（Polygon 或 MultiPolygon）。",
    "A boundary point (%(lon)s, %(lat)s) is not a longitude and latitude: export the boundaries in WGS84 or GCJ-02 degrees.":
        "边界点（%(lon)s，%(lat)s）不是经纬度：请以 WGS84 或 GCJ-02 经纬度（度）导出边界。",
    "A polygon's coordinates cannot be read: export the boundaries again as GeoJSON.":
        "无法读取面的坐标：请重新导出 GeoJSON 边界文件。",
    "The file is not valid GeoJSON: export the township boundaries again.":
        "文件不是有效的 GeoJSON：请重新导出乡镇边界。",
    "A feature has no code or name: give each polygon the properties \"code\" (统计用区划代码) and \"name\".":
        "有要素缺少代码或名称：请为每个面填写属性 \"code\"（统计用区划代码）和 \"name\"（名称）。",
    "This is not a township code list (it has more than two columns of data): choose the statistics bureau's list of codes and names.":
        "这不是乡镇区划代码表（数据超过两列）：请选择统计部门发布的代码与名称表。",
    "The GeoJSON holds no township polygon.": "该 GeoJSON 中没有乡镇的面。",
    "An alias may have at most 80 characters: shorten “%(alias)s”.":
        "别名最多 80 个字：请缩短“%(alias)s”。",
    "“%(alias)s” already names another township: remove it here or there.":
        "“%(alias)s”已是另一个乡镇的名称或别名：请在其中一处删除。",
}
