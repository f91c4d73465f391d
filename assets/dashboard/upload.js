// Uploads: the server keeps an uploaded file under a token (components/uploads.py); this browser keeps the file
// too, in IndexedDB, for a server that does not hold it (another replica, or after it expired there), and sends
// it again when a callback asks for it (components/features/upload.py).
(function () {
  "use strict";
  var rb = (window.rewardbench = window.rewardbench || {});

  var DATABASE = "rewardbench-uploads";
  var FILES = "files";
  var KEPT_FOR_MS = 7 * 24 * 3600 * 1000;

  function database() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var opening = window.indexedDB.open(DATABASE, 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore(FILES); };
      opening.onsuccess = function () { resolve(opening.result); };
      opening.onerror = function () { reject(opening.error); };
    });
  }

  function withFiles(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(FILES, mode);
        var result = work(transaction.objectStore(FILES));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  // Files kept longer than a week are let go: the server's copy expires sooner (REWARDBENCH_UPLOAD_HOURS).
  function forgetOldFiles() {
    return withFiles("readwrite", function (files) {
      var cursor = files.openCursor();
      cursor.onsuccess = function () {
        var entry = cursor.result;
        if (!entry) { return; }
        if (Date.now() - (entry.value.kept || 0) > KEPT_FOR_MS) { entry.delete(); }
        entry.continue();
      };
    });
  }

  function message(text) {
    window.dash_clientside.set_props(rb.ids.UPLOAD_MESSAGE, { children: text, className: "message error" });
  }

  // The newest entry is the file just added: keep its bytes under its token, and let the upload component drop
  // them (a data URL of 20 MB would otherwise stay in the page's memory).
  function keepUploadFile(uploads, contents, filename) {
    var nc = window.dash_clientside.no_update;
    var entry = (uploads || [])[(uploads || []).length - 1];
    if (!contents || !entry || !filename || filename.split(/[\\/]/).pop() !== entry.file) { return nc; }
    withFiles("readwrite", function (files) {
      return files.put({ file: entry.file, contents: contents, kept: Date.now() }, entry.token);
    }).then(forgetOldFiles).catch(function () {
      message("This browser cannot keep a copy of " + entry.file + "; if the server lets it go, add it again.");
    });
    return null;
  }

  // A callback found uploads its server does not hold: send each once, from this browser's copy. One that is no
  // longer here is dropped from the page, with a message.
  var sending = {};

  function sendMissingUploads(missingLists, uploads) {
    var nc = window.dash_clientside.no_update;
    var wanted = [];
    (missingLists || []).forEach(function (tokens) {
      (tokens || []).forEach(function (token) {
        if (wanted.indexOf(token) < 0 && !sending[token]) { wanted.push(token); }
      });
    });
    wanted.forEach(function (token) {
      sending[token] = true;
      withFiles("readonly", function (files) { return files.get(token); }).then(function (kept) {
        if (kept) {
          window.dash_clientside.set_props(rb.ids.UPLOAD_RESEND,
            { data: { token: token, file: kept.file, contents: kept.contents } });
          return;
        }
        var left = (uploads || []).filter(function (entry) { return entry.token !== token; });
        var lost = (uploads || []).filter(function (entry) { return entry.token === token; })[0];
        window.dash_clientside.set_props(rb.ids.UPLOADS, { data: left });
        message((lost ? lost.file : "An added file") + " is no longer held by the server or this browser: add it again.");
      }, function () {
        message("The added files cannot be read back in this browser: add them again.");
      }).then(function () {
        setTimeout(function () { delete sending[token]; }, 2000);
      });
    });
    return nc;
  }

  // Files over the upload limit are refused by the browser before sending; say so, as the server would.
  function reportOversizedUpload(files) {
    var status = document.getElementById(rb.ids.UPLOAD_MESSAGE);
    if (!status || !files || !files.length) { return; }
    var limit = Number(status.dataset.limitBytes);
    var file = files[0];
    if (limit && file.size > limit) {
      message("Not added: " + file.name + ": " + (file.size / 1048576).toFixed(1) +
        " MB is over the upload limit of " + status.dataset.limit);
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#" + rb.ids.UPLOAD) && event.target.files) {
      reportOversizedUpload(event.target.files);
    }
  }, true);
  document.addEventListener("drop", function (event) {
    if (event.target.closest && event.target.closest("#" + rb.ids.UPLOAD) && event.dataTransfer) {
      reportOversizedUpload(event.dataTransfer.files);
    }
  }, true);

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    keepUploadFile: keepUploadFile,
    sendMissingUploads: sendMissingUploads,
  });
})();
