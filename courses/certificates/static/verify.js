// The verification page opened from a certificate's QR code: the address carries the signed payload
// after '#' (browsers never send it to the server). Put the whole scanned text into the payload form,
// so that one press checks the signature too. Without JavaScript the visitor pastes it by hand.
(function () {
  "use strict";
  var hash = window.location.hash.slice(1);
  var box = document.getElementById("payload");
  if (!box || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(hash) || hash.length > 1500) {
    return;
  }
  box.value = window.location.href;
})();
