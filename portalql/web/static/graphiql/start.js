// Starts GraphiQL with the explorer against the endpoint this page was served from. A file rather than an
// inline script, so that the page's Content-Security-Policy allows scripts from this origin only.
/* global React, ReactDOM, GraphiQL, GraphiQLPluginExplorer */
"use strict";

(function () {
  // Subscriptions go over a socket to the same endpoint; the headers set in the editor (Authorization)
  // travel in its connection_init.
  const socketScheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const fetcher = GraphiQL.createFetcher({
    url: window.location.pathname,
    subscriptionUrl: socketScheme + "//" + window.location.host + window.location.pathname,
  });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
