// Print button on a legal paper: the browser's print dialog (and "save as PDF" on phones).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});
