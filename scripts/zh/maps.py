"""zh_CN glossary for the maps: the basemap (tiles, import, offline download), township
boundaries and the case's map exhibit (issue 19)."""

GLOSSARY = {
    "Basemap imported: %(path)s": "底图已导入：%(path)s",
    "No basemap file: maps show the points on a plain background.": "没有底图文件：地图只在空白底色上显示点位。",
    "Demo city basemap": "演示城市底图",
    "Demo basemap drawn from the township list": "演示底图（按乡镇名录绘制）",
    "Streets (Tianditu)": "天地图 矢量",
    "Imagery (Tianditu)": "天地图 影像",
    "Streets (Gaode)": "高德 街道",
    "Imagery (Gaode)": "高德 卫星",
    "The file cannot be read.": "无法读取该文件。",
    "This is not a tile file: give an MBTiles (.mbtiles) or PMTiles (.pmtiles) file of raster tiles.":
        "这不是瓦片文件：请提供栅格瓦片的 MBTiles（.mbtiles）或 PMTiles（.pmtiles）文件。",
    "This file holds vector tiles; only raster tiles (PNG, JPEG, WebP) can be served.":
        "该文件是矢量瓦片；只能发布栅格瓦片（PNG、JPEG、WebP）。",
    "The tiles are not PNG, JPEG or WebP images, or not what the file says.":
        "瓦片不是 PNG、JPEG 或 WebP 图片，或与文件声明的格式不符。",
    "The file holds no tiles.": "该文件中没有瓦片。",
    "The zoom levels of the file are out of range (0 to 22).": "该文件的缩放级别超出范围（0 至 22）。",
    "The file's bounds are not a valid longitude/latitude box.": "该文件的范围不是有效的经纬度矩形。",
    "The tiles cover %(bounds)s, %(km)s km from the bureau's area %(area)s: is this the right file?":
        "瓦片覆盖范围 %(bounds)s，距本局辖区 %(area)s 有 %(km)s 公里：是否选错了文件？",
    "A layer name is letters, digits, dash or underscore (e.g. streets).":
        "图层名称只能使用字母、数字、短横线或下划线（例如 streets）。",
    "Online map": "在线地图",
    "±%(m)s m": "±%(m)s 米",
    "Case %(id)s · %(name)s · map": "案件 %(id)s · %(name)s · 地图",
    "Site pin": "企业点位",
    "Visit GPS fix (circle: accuracy)": "检查定位（圆圈：定位精度）",
    "GPS fix beyond the geofence": "超出电子围栏的定位",
    "Township boundary": "乡镇边界",
    "Geofence: %(m)s m": "电子围栏：%(m)s 米",
    "This area is not downloaded for offline use: only the points show.":
        "此区域未下载离线地图：仅显示点位。",
    "Township boundaries": "乡镇边界",
    "Your worklist area: {n} map tiles, {mb} MB (limit {budget} MB).":
        "工作清单区域：{n} 张地图瓦片，{mb} MB（上限 {budget} MB）。",
    "The closest zoom levels ({z}) are left out to stay within the limit.":
        "为不超过上限，最精细的缩放级别（{z}）未包含在内。",
    "Already on this phone.": "已保存在本机。",
    "Downloading the map: {done} of {n} tiles…": "正在下载地图：{done} / {n} 张瓦片…",
    "Map downloaded: {n} tiles, {mb} MB. It shows without signal.":
        "地图已下载：{n} 张瓦片，{mb} MB。无信号时也能显示。",
    "{n} tiles could not be downloaded: try again with signal.": "{n} 张瓦片未能下载：请在有信号时重试。",
    "No basemap file is installed on the server: nothing to download.":
        "服务器未安装底图文件：没有可下载的地图。",
    "Could not reach the server to plan the download.": "无法连接服务器，不能计算下载范围。",
    "This browser cannot keep maps offline.": "此浏览器不支持离线保存地图。",
    "Map of the case": "案件地图",
    "{n} enterprises, counted by township: zoom in to see each one":
        "共 {n} 家企业，按乡镇计数：放大后可查看每家企业",
    "Working out the map of your worklist area…": "正在计算工作清单区域的地图…",
    "Keep the map of my worklist area on this phone": "将工作清单区域的地图保存到本机",
}
