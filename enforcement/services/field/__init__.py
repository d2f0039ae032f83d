"""The inspector's day: visits, photos, the phone's worklist and the 双随机 draw of inspections."""
