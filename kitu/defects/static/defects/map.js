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
      var place = function (lat, lon) {
        if (pin) { pin.setLatLng([lat, lon]); } else { pin = L.marker([lat, lon], { keyboard: false }).addTo(map); }
      };
      map.on("click", function (event) {
        latInput.value = event.latlng.lat.toFixed(6);
        lonInput.value = event.latlng.lng.toFixed(6);
        place(event.latlng.lat, event.latlng.lng);
      });
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
