// Image downloads: the server builds the figure (components/figures.py, export_figure); Plotly makes the file.
(function () {
  "use strict";

  function downloadImage(request) {
    var nc = window.dash_clientside.no_update;
    if (!request || !request.figure || !window.Plotly) { return nc; }
    var layout = request.figure.layout || {};
    window.Plotly.downloadImage(request.figure, {
      format: request.format,
      filename: request.filename,
      width: layout.width,
      height: layout.height,
      scale: request.format === "svg" ? 1 : 2,
    });
    return nc;
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.rewardbench = Object.assign(window.dash_clientside.rewardbench || {}, {
    downloadImage: downloadImage,
  });
})();
