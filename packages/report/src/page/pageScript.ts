/**
 * The page's only script: "Download SVG" saves the figure's own <svg> (already standalone: namespace,
 * fonts and colours inline) through a Blob URL, so it works offline and from file://.
 */
export const PAGE_SCRIPT = `
document.addEventListener('click', function (event) {
  var target = event.target;
  var button = target && target.closest ? target.closest('button.download-svg') : null;
  if (!button) return;
  var figure = button.closest('figure');
  var svg = figure ? figure.querySelector('.figure-body svg') : null;
  if (!svg) return;
  var source = '<?xml version="1.0" encoding="UTF-8"?>\\n' + new XMLSerializer().serializeToString(svg) + '\\n';
  var url = URL.createObjectURL(new Blob([source], { type: 'image/svg+xml;charset=utf-8' }));
  var link = document.createElement('a');
  link.href = url;
  link.download = button.getAttribute('data-file') || 'figure.svg';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 2000);
});
`;
