// Light/dark choice, applied in <head> before the first paint so a
// remembered choice never flashes. No choice: the system preference
// (prefers-color-scheme in the stylesheet) decides.
(function () {
  try {
    var t = localStorage.getItem("opsbook-theme");
    if (t === "light" || t === "dark") {
      document.documentElement.setAttribute("data-theme", t);
    }
  } catch (e) {
    // Storage blocked (privacy mode): the system preference applies.
  }
})();
