// Starts ReDoc on /redoc. A separate file (not an inline script) so that the page's
// Content-Security-Policy can forbid inline scripts. The document comes from /openapi.json on this
// server, and the theme uses the system fonts: no web font is fetched from anywhere.
(function () {
  var systemFonts =
    '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var monospaceFonts = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';
  Redoc.init(
    '/openapi.json',
    {
      expandResponses: '200,201',
      pathInMiddlePanel: true,
      requiredPropsFirst: true,
      sortPropsAlphabetically: false,
      hideHostname: true,
      theme: {
        typography: {
          fontFamily: systemFonts,
          headings: { fontFamily: systemFonts },
          code: { fontFamily: monospaceFonts },
        },
      },
    },
    document.getElementById('redoc-container')
  );
})();
