/* Maps of the defect reporter (Leaflet). An enhancement only: every form works with the text fields alone.
   <div class="kitu-map" data-map="ID of a json_script block" [data-lat-input, data-lon-input] [data-bbox-input]>
   The JSON holds tiles (URL template, may be empty), attribution, center [lat, lon], area [[lat, lon], …]
   and points [{lat, lon, label, url}]. */
(function () {
  "use strict";

  function number(input) {
    var value = parseFloat((input.value || "").replace(",", "."));
    return isNaN(value) ? null : value;
  }

  function setup(element) {
    var config = JSON.parse(document.getElementById(element.dataset.map).textContent);
    var map = L.map(element, { scrollWheelZoom: false }).setView(config.center, 14);
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
    }
    var bounds = [];
    if (config.area.length > 2) {
      var outline = L.polygon(config.area, { color: "#0b4f8a", weight: 2, fill: false, interactive: false }).addTo(map);
      bounds.push(outline.getBounds());
    }
    config.points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], { radius: 7, color: "#b3261e", weight: 2, bubblingMouseEvents: false }).addTo(map);
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.label;
      marker.bindPopup(link);
      bounds.push(L.latLngBounds([[point.lat, point.lon], [point.lat, point.lon]]));
    });
    if (bounds.length) {
      var all = bounds[0];
      bounds.slice(1).forEach(function (b) { all.extend(b); });
      map.fitBounds(all, { padding: [20, 20], maxZoom: 16 });
    }

    var latInput = document.getElementById(element.dataset.latInput || "");
    var lonInput = document.getElementById(element.dataset.lonInput || "");
    if (latInput && lonInput) {
      var pin = null;
      var store = function (latlng) {
        latInput.value = latlng.lat.toFixed(6);
        lonInput.value = latlng.lng.toFixed(6);
      };
      var place = function (lat, lon) {
        if (pin) { pin.setLatLng([lat, lon]); return; }
        // a pin the citizen can drag to the exact spot; its place goes into the (hidden) coordinate fields
        pin = L.marker([lat, lon], { keyboard: false, draggable: true, autoPan: true }).addTo(map);
        pin.on("dragend", function () { store(pin.getLatLng()); });
      };
      map.on("click", function (event) {
        store(event.latlng);
        place(event.latlng.lat, event.latlng.lng);
      });
      // The raw coordinates are for people without JavaScript: with the map they hide (unless refused).
      [latInput, lonInput].forEach(function (input) {
        var field = input.closest(".kern-form-input");
        if (field && !field.classList.contains("kern-form-input--error")) { field.hidden = true; }
      });
      var locate = document.getElementById(element.dataset.locate || "");
      if (locate && navigator.geolocation) {
        var button = locate.querySelector("button");
        var status = locate.querySelector("[role=status]");
        locate.hidden = false;
        button.addEventListener("click", function () {
          status.textContent = status.dataset.busy;
          button.disabled = true;
          navigator.geolocation.getCurrentPosition(function (position) {
            var lat = position.coords.latitude, lon = position.coords.longitude;
            store(L.latLng(lat, lon));
            place(lat, lon);
            map.setView([lat, lon], 17);
            status.textContent = status.dataset.done.replace("%(m)s", Math.round(position.coords.accuracy));
            button.disabled = false;
          }, function (error) {
            status.textContent = error.code === 1 ? status.dataset.denied : status.dataset.failed;
            button.disabled = false;
          }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
        });
      }
      var typed = function () {
        var lat = number(latInput), lon = number(lonInput);
        if (lat !== null && lon !== null) { place(lat, lon); map.panTo([lat, lon]); }
      };
      latInput.addEventListener("change", typed);
      lonInput.addEventListener("change", typed);
      typed();
    }

    var bboxInput = document.getElementById(element.dataset.bboxInput || "");
    var bboxButton = document.getElementById(element.dataset.bboxButton || "");
    if (bboxInput && bboxButton) {
      bboxButton.hidden = false;
      bboxButton.addEventListener("click", function () {
        var b = map.getBounds();
        bboxInput.value = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) {
          return v.toFixed(5);
        }).join(", ");
      });
    }
  }

  document.querySelectorAll(".kitu-map[data-map]").forEach(setup);
})();
