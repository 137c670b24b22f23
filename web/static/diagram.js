// Scroll each diagram frame so the first open step is in its middle (the page works without it).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".diagram").forEach(function (frame) {
    var active = frame.querySelector(".active");
    if (!active) {
      return;
    }
    var box = active.getBoundingClientRect();
    var outer = frame.getBoundingClientRect();
    frame.scrollLeft += box.left - outer.left - (outer.width - box.width) / 2;
    frame.scrollTop += box.top - outer.top - (outer.height - box.height) / 2;
  });
});
