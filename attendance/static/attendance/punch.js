// The one-tap punch: when the person allowed location (PIPL, asked once), fill the hidden
// latitude/longitude fields (rounded to ~100 m) before the form is sent. Without an answer
// within a few seconds the punch is sent without location: the punch never waits on GPS.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.located || !navigator.geolocation) {
        return;
      }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
      }
      var sent = false;
      var send = function () {
        if (sent) {
          return;
        }
        sent = true;
        form.dataset.located = "1";
        form.submit();
      };
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.latitude.value = position.coords.latitude.toFixed(3);
          form.elements.longitude.value = position.coords.longitude.toFixed(3);
          send();
        },
        send,
        { enableHighAccuracy: false, timeout: 6000, maximumAge: 60000 }
      );
      window.setTimeout(send, 8000);
    });
  });
});
