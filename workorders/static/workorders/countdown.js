// Live countdowns: every element with data-due (an ISO time) shows the time left or overdue,
// once a second. The texts come translated from the page (<template id="countdown-texts">), and
// the server's clock counts, not the phone's: the offset is taken from data-server-now, which
// the board refreshes with every HTMX swap.
(function () {
  "use strict";
  var offset = 0;

  function texts() {
    var el = document.getElementById("countdown-texts");
    return el ? el.dataset : {};
  }

  function syncClock() {
    var marks = document.querySelectorAll("[data-server-now]");
    if (!marks.length) {
      return;
    }
    var serverNow = Date.parse(marks[marks.length - 1].dataset.serverNow);
    if (!isNaN(serverNow)) {
      offset = serverNow - Date.now();
    }
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function span(ms, t) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var days = Math.floor(s / 86400);
    s -= days * 86400;
    var h = Math.floor(s / 3600);
    s -= h * 3600;
    var m = Math.floor(s / 60);
    s -= m * 60;
    if (days) {
      return (t.days || "{days} d").replace("{days}", days) + " " + pad(h) + ":" + pad(m);
    }
    return h + ":" + pad(m) + ":" + pad(s);
  }

  function tick() {
    var t = texts();
    var now = Date.now() + offset;
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.dataset.due);
      if (isNaN(due)) {
        return;
      }
      var ms = due - now;
      var pattern = ms >= 0 ? t.left || "{time} left" : t.overdue || "{time} overdue";
      el.textContent = pattern.replace("{time}", span(ms, t));
      el.classList.toggle("overdue", ms < 0);
      el.classList.toggle("soon", ms >= 0 && ms < 15 * 60 * 1000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncClock();
    tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSettle", function () {
    syncClock();
    tick();
  });
})();
