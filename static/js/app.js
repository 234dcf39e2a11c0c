// Rankfile's only script of its own. Pages work without it; it tells the person when an htmx
// request failed, because htmx (by the policy in base.html) does not swap in error responses and
// a tap that silently did nothing on a bad connection looks like a tap that worked.
(function () {
  "use strict";

  function announce(message) {
    var flash = document.getElementById("flash");
    if (!flash) {
      return;
    }
    flash.textContent = message;
    flash.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    announce(
      status === 403 || status === 404
        ? "That was not allowed or no longer exists. Reload the page."
        : "The server could not do that (error " + status + "). Nothing was saved; try again."
    );
  });

  document.addEventListener("htmx:sendError", function () {
    announce("No connection: nothing was saved. Try again when you have signal.");
  });

  // A form marked data-reset-on-success is emptied once the server has the data (the note
  // field after an assessment), and never before: on failure the typed note stays.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    var xhr = event.detail.xhr;
    // A 422 is swapped in (it explains what to fix) but saved nothing: keep what was typed.
    var saved = event.detail.successful && xhr && xhr.status >= 200 && xhr.status < 300;
    if (saved && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var flash = document.getElementById("flash");
    if (flash) {
      flash.hidden = true;
    }
  });
})();
