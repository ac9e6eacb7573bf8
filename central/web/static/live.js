// Refreshes the Now page's live block: a short poll with If-None-Match (no reload).
(function () {
  "use strict";
  var box = document.getElementById("live");
  if (!box || !window.fetch) { return; }
  var etag = null;
  var every = (parseInt(box.getAttribute("data-poll"), 10) || 5) * 1000;
  function poll() {
    var headers = { "X-Requested-With": "fetch" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(box.getAttribute("data-src"), { headers: headers, credentials: "same-origin", cache: "no-cache" })
      .then(function (r) {
        if (r.status === 401) { window.location.assign("/login?next=/now"); return null; }
        if (r.status !== 200) { return null; }
        etag = r.headers.get("ETag");
        return r.text();
      })
      .then(function (html) { if (html !== null && html !== undefined) { box.innerHTML = html; } })
      .catch(function () { /* offline: try again next time */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
