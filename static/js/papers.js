// Print button on a legal paper: the browser's print dialog (and "save as PDF" on phones).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// PDF button: on a phone that can share files, hand the paper's PDF to the share sheet
// (WeChat, mail...); elsewhere the link simply opens the PDF.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-share-pdf]");
  if (!link || !navigator.canShare || !window.File) return;
  event.preventDefault();
  fetch(link.href, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.blob();
  }).then(function (blob) {
    var name = (link.getAttribute("data-title") || "paper").replace(/[\\/:*?"<>|\s]+/g, "_") + ".pdf";
    var file = new File([blob], name, { type: "application/pdf" });
    if (navigator.canShare({ files: [file] })) {
      return navigator.share({ files: [file], title: link.getAttribute("data-title") || "" });
    }
    window.location.href = link.href;
  }).catch(function (error) {
    if (error && error.name === "AbortError") return;  // the officer closed the share sheet
    window.location.href = link.href;
  });
});
