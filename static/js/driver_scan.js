// Reads pack codes (GB/T 34014 in QR, DataMatrix or Code 128) from the phone's camera or from
// a photo: the browser's BarcodeDetector where it has one for these formats, else the vendored
// ZXing decoder (static/vendor/zxing). window.LithloopScan = { decode, startCamera }.
(function () {
  "use strict";
  var FORMATS = ["qr_code", "data_matrix", "code_128"];
  var MAX_SIDE = 1400;
  var detectorPromise = null;

  function nativeDetector() {
    if (detectorPromise) { return detectorPromise; }
    detectorPromise = Promise.resolve(null);
    if (typeof window.BarcodeDetector === "function" && window.BarcodeDetector.getSupportedFormats) {
      detectorPromise = window.BarcodeDetector.getSupportedFormats().then(function (have) {
        var wanted = FORMATS.filter(function (f) { return have.indexOf(f) >= 0; });
        return wanted.length === FORMATS.length ? new window.BarcodeDetector({ formats: wanted }) : null;
      }).catch(function () { return null; });
    }
    return detectorPromise;
  }

  function zxingReader() {
    if (typeof window.ZXing === "undefined") { return null; }
    var Z = window.ZXing;
    var hints = new Map();
    hints.set(Z.DecodeHintType.POSSIBLE_FORMATS,
      [Z.BarcodeFormat.QR_CODE, Z.BarcodeFormat.DATA_MATRIX, Z.BarcodeFormat.CODE_128]);
    hints.set(Z.DecodeHintType.TRY_HARDER, true);
    var reader = new Z.MultiFormatReader();
    reader.setHints(hints);
    return reader;
  }

  function toCanvas(source, width, height) {
    var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  function decodeWithZxing(canvas) {
    var reader = zxingReader();
    if (!reader) { return []; }
    var Z = window.ZXing;
    try {
      var luminance = new Z.HTMLCanvasElementLuminanceSource(canvas);
      var result = reader.decodeWithState(new Z.BinaryBitmap(new Z.HybridBinarizer(luminance)));
      return result ? [result.getText()] : [];
    } catch (e) {
      return [];  // NotFoundException and friends: nothing readable in this frame
    }
  }

  function clean(texts) {
    var out = [];
    texts.forEach(function (t) {
      var code = String(t || "").replace(/\s+/g, "").toUpperCase();
      if (code && out.indexOf(code) < 0) { out.push(code); }
    });
    return out;
  }

  // source: an ImageBitmap, <img>, <canvas> or <video> with its width and height
  function decode(source, width, height) {
    var canvas = toCanvas(source, width, height);
    return nativeDetector().then(function (detector) {
      if (!detector) { return clean(decodeWithZxing(canvas)); }
      return detector.detect(canvas).then(function (found) {
        var texts = found.map(function (f) { return f.rawValue; });
        return clean(texts.length ? texts : decodeWithZxing(canvas));
      }).catch(function () { return clean(decodeWithZxing(canvas)); });
    });
  }

  function decodeFile(file) {
    return createImageBitmap(file).then(function (bitmap) {
      return decode(bitmap, bitmap.width, bitmap.height);
    });
  }

  // Reads frames from the rear camera into `video` until stop() is called; onCodes(list) for
  // each frame that held a code.
  function startCamera(video, onCodes) {
    var stopped = false, stream = null, timer = null;
    function tick() {
      if (stopped) { return; }
      if (video.readyState >= 2 && video.videoWidth) {
        decode(video, video.videoWidth, video.videoHeight).then(function (codes) {
          if (codes.length && !stopped) { onCodes(codes); }
          timer = setTimeout(tick, 350);
        });
      } else {
        timer = setTimeout(tick, 200);
      }
    }
    var started = navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        return video.play();
      }).then(tick);
    return {
      started: started,
      stop: function () {
        stopped = true;
        clearTimeout(timer);
        if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
        video.srcObject = null;
        video.hidden = true;
      }
    };
  }

  window.LithloopScan = { decode: decode, decodeFile: decodeFile, startCamera: startCamera,
    hasCamera: function () { return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia); } };
})();
