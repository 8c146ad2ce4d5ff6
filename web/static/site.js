/* On a narrow screen the header folds its navigation and account links behind a "Menü" button. Without
   this script the header simply shows everything. */
(function () {
  "use strict";
  document.documentElement.className += " js";
  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector("header.site");
    var button = document.getElementById("menue-knopf");
    if (!header || !button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
}());
