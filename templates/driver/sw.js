// lithloop driver: keeps today's route page and its scripts on the phone for a dead zone.
// The page is fetched from the network first and the copy kept; offline, the copy is served.
// Confirmations are not handled here: static/js/driver.js queues them and sends them later.
const CACHE = "lithloop-driver-" + {{ version|tojson }};  // changes with the kept files
const PAGE = {{ page|tojson }};
const ASSETS = {{ assets|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !response.redirected && response.type === "basic") {
          const copy = response.clone();
          caches.open(CACHE).then((c) => c.put(PAGE, copy));
        } else if (response.redirected) {
          // logged out (sent to the login page): the route is no longer kept on this phone
          caches.open(CACHE).then((c) => c.delete(PAGE));
        }
        return response;
      }).catch(() => caches.match(PAGE).then((hit) => hit || Response.error()))
    );
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});
