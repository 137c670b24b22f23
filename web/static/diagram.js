// Scroll each diagram frame sideways so the first open step is in view (the page works without it).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".diagram").forEach(function (frame) {
    var active = frame.querySelector(".active");
    if (!active) {
      return;
    }
    var box = active.getBoundingClientRect();
    var outer = frame.getBoundingClientRect();
    frame.scrollLeft += box.left - outer.left - (outer.width - box.width) / 2;
  });
});
