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
    # import preview, pages
    "Code list (CSV) or boundaries (GeoJSON)": "区划代码表（CSV）或边界（GeoJSON）",
    "The boundary coordinates are GCJ-02 (Gaode, Tencent)": "边界坐标为 GCJ-02（高德、腾讯）",
    "Other names clerks write, one per line": "常用的其他写法，每行一个",
    "No geocoder is configured (GEOCODER): pin the sites by hand or on site.":
        "未配置地址解析服务（GEOCODER）：请手工标注，或由执法人员现场定位。",
    "The addresses are being searched in the background; this page shows the progress.":
        "正在后台搜索地址，本页显示进度。",
    "The address search is already running.": "地址搜索已在进行中。",
    "The pin is outside the bureau's area or not a position: drag it onto the site.":
        "图钉不在本局辖区内或不是有效位置：请把它拖到企业所在处。",
    "Located: %(name)s.": "已定位：%(name)s。",
    "Drag the pin onto the site first.": "请先把图钉拖到企业所在处。",
    "Location confirmed: %(name)s.": "位置已确认：%(name)s。",
    "Townships: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.":
        "乡镇：新建 %(created)s 个，更新 %(updated)s 个，%(unchanged)s 个无变化。",
    "Aliases saved for %(name)s.": "已保存“%(name)s”的别名。",
    "Townships and boundaries": "乡镇与边界",
    "conflicts": "冲突",
    "%(n)s of the new enterprises have no coordinates: they are imported and wait for a location.":
        "新企业中有 %(n)s 家没有坐标：已导入，等待定位。",
    "Locate them": "去定位",
    "Conflicts: not imported, nothing overwritten": "冲突：未导入，也未覆盖任何企业",
    "awaiting a location": "待定位",
    "Upload the statistics bureau's code list (CSV: 统计用区划代码 and name, with or without a header) to create the county's townships, streets and parks; then, if you have them, their boundaries (GeoJSON polygons with the properties code and name). Uploading the same file again changes nothing.":
        "上传统计部门的区划代码表（CSV：统计用区划代码和名称，有无表头均可），建立本县的乡镇、街道和园区；如有边界数据，再上传边界（GeoJSON 面，属性为 code 和 name）。重复上传同一文件不会改变任何内容。",
    "Import townships": "导入乡镇",
    "%(n)s townships": "%(n)s 个乡镇",
    "%(n)s enterprises are in no township yet: add the names their rows used as aliases, then import the register again.":
        "有 %(n)s 家企业尚未归属乡镇：请把表中使用的写法添加为别名，然后重新导入名录。",
    "Names are also recognised without 镇/乡/街道 and in their short forms (高新区, 经开区). Add any other name clerks write as an alias.":
        "不带“镇/乡/街道”的名称和常见简称（高新区、经开区）也能识别；其他写法请添加为别名。",
    "Statistics code": "统计用区划代码",
    "Boundary": "边界",
    "Aliases": "别名",
    "yes": "有",
    "Aliases of %(name)s": "%(name)s的别名",
    "No township yet: import the code list first.": "尚无乡镇：请先导入区划代码表。",
    "Older identifier": "组织机构代码/注册号",
    "Legal representative": "法定代表人",
    "National industry classification": "国民经济行业分类",
    "set by a visit, to be confirmed": "由现场检查定位，待确认",
    "Locate": "定位",
    "Move the pin": "移动图钉",
    "Enterprises awaiting a location": "待定位企业",
    "The pin is where the address search placed it: check it against the map and drag it onto the site.":
        "图钉位于地址搜索给出的位置：请对照地图核实，并拖到企业所在处。",
    "Drag the pin to move it.": "拖动图钉即可移动。",
    "Click the map where the site is, or drag the pin. If nobody here knows, leave it: the inspectors' first good GPS fix on site pins it.":
        "在地图上点击企业所在处，或拖动图钉。如无人知道位置，可暂不处理：执法人员在现场第一次获得精确定位时会自动标注。",
    "Save the location and go to the next": "保存位置并转到下一家",
    "Leave it to the field": "留给现场定位",
    "Confirm the pin the visit set": "确认现场检查标注的位置",
    "Map: click or drag the pin onto the site": "地图：点击或拖动图钉到企业所在处",
    "pinned by a visit, to confirm": "现场定位，待确认",
    "Address search: %(done)s of %(total)s addresses looked up, %(found)s found":
        "地址搜索：%(total)s 个地址已查 %(done)s 个，找到 %(found)s 个",
    "Search the addresses in the background": "在后台搜索地址",
    "No geocoder is configured: drag each pin, or leave the site to the inspectors, whose first good GPS fix pins it.":
        "未配置地址解析服务：请逐一拖动图钉，或留给执法人员，现场第一次精确定位会自动标注。",
    "Name or address": "名称或地址",
    "no township: %(n)s": "无乡镇：%(n)s",
    "Pinned by a visit: confirm or move": "现场定位：请确认或移动",
    "%(n)s to locate": "%(n)s 家待定位",
    "no address": "无地址",
    "no township": "无乡镇",
    "the address search suggests a place": "地址搜索已给出建议位置",
    "the address was not found: drag the pin or leave it to the field": "未找到该地址：请拖动图钉或留给现场定位",
    "Confirm": "确认",
    "Nothing is waiting.": "没有待处理的企业。",
    "previous": "上一页",
    "next": "下一页",
    "±%(acc)s m · this site has no pin yet: a fix better than 50 m pins it when you record the visit":
        "±%(acc)s 米 · 该企业尚无定位：记录检查时，精度优于 50 米的定位将作为企业位置",
    "%(n)s awaiting a location": "%(n)s 家待定位",
    "%(n)s sites in your township await a location: visit them and your GPS fix pins them.":
        "您所在乡镇有 %(n)s 家企业待定位：现场检查时您的定位会作为企业位置。",
    "Awaiting a location": "待定位",
    "%(n)s enterprises await a location": "%(n)s 家企业待定位",
    # reading a register
    "No header row was found.": "未找到表头行。",
    "No header row was found: the sheet needs a row of column names (企业名称, 地址, ...) above the enterprises. Check that this is the register and that it is not empty.":
        "未找到表头行：表格中企业数据的上方需要一行列名（企业名称、地址等）。请确认选择的是名录文件且内容不为空。",
    "The spreadsheet cannot be read.": "无法读取该表格。",
    "The spreadsheet cannot be read: open it in Excel or WPS, save it again as XLSX or CSV and upload that.":
        "无法读取该表格：请用 Excel 或 WPS 打开，另存为 XLSX 或 CSV 后再上传。",
    "This is not a CSV or XLSX file.": "这不是 CSV 或 XLSX 文件。",
    "This is not a CSV or XLSX file: save the register from Excel or WPS as XLSX or CSV and upload that.":
        "这不是 CSV、XLSX 或 XLS 文件：请用 Excel 或 WPS 把名录另存为 XLSX 或 CSV 后再上传。",
    "No township is called “%(value)s”: choose one from the list.":
        "没有名为“%(value)s”的乡镇：请从列表中选择。",
}
