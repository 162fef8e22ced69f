// Progressive page helpers: the light/dark switch, copy buttons on code
// blocks, and keyboard access to boxes that scroll sideways. Both are added here, so without JavaScript no dead control shows.
(function () {
  "use strict";
  var root = document.documentElement;

  function current() {
    var t = root.getAttribute("data-theme");
    if (t) return t;
    return window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function themeSwitch() {
    var header = document.querySelector(".site-header");
    if (!header) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "theme-switch";
    function label() {
      var dark = current() === "dark";
      b.setAttribute("aria-pressed", dark ? "true" : "false");
      b.textContent = dark ? "Light mode" : "Dark mode";
    }
    b.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try {
        localStorage.setItem("opsbook-theme", next);
      } catch (e) {
        // Not remembered, still switched.
      }
      label();
    });
    label();
    header.appendChild(b);
  }

  function copyButtons() {
    if (!navigator.clipboard) return;
    var blocks = document.querySelectorAll(".prose pre");
    Array.prototype.forEach.call(blocks, function (pre) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-code";
      b.textContent = "Copy";
      b.setAttribute("aria-label", "Copy code to clipboard");
      b.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        navigator.clipboard.writeText(code.innerText).then(
          function () { b.textContent = "Copied"; },
          function () { b.textContent = "Copy failed"; }
        );
        setTimeout(function () { b.textContent = "Copy"; }, 2000);
      });
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      wrap.appendChild(b);
    });
  }

  // A box that scrolls sideways (wide table, long code line) must be
  // reachable by keyboard to scroll it (WCAG 2.1.1; axe's
  // scrollable-region-focusable): only those that overflow join the tab order.
  function scrollersFocusable() {
    var boxes = document.querySelectorAll(".table-wrap, pre");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }

  themeSwitch();
  copyButtons();
  scrollersFocusable();
  window.addEventListener("resize", scrollersFocusable);
})();
