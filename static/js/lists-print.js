// The print view's button (no inline script: CSP script-src 'self').
document.getElementById("print-now")?.addEventListener("click", () => window.print());
