// Starts Swagger UI on /api/docs/ with the settings the page carries as JSON (cms/api/docs.py).
// Same behaviour as drf-spectacular's inline script: the schema reloads when credentials change,
// and requests other than GET carry the CSRF token.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("swagger-config").textContent);
  var schemaAuthFailed = false;
  var ui = null;
  var plugins = [];

  function reloadSchema() {
    schemaAuthFailed = false;
    setTimeout(function () { ui.specActions.download(); });
  }

  function reloadSchemaOnAuthChange() {
    var wrap = function (ori) {
      return function () {
        reloadSchema();
        return ori.apply(null, arguments);
      };
    };
    return { statePlugins: { auth: { wrapActions: { authorizeOauth2: wrap, authorize: wrap, logout: wrap } } } };
  }

  if (config.schemaAuthNames.length > 0) {
    plugins.push(reloadSchemaOnAuthChange);
  }

  function isSchemaUrl(url) {
    return ui !== null && url === new URL(ui.getConfigs().url, document.baseURI).href;
  }

  function responseInterceptor(response) {
    if (!response.ok && isSchemaUrl(response.url) && !schemaAuthFailed) {
      // Retry once without credentials, then keep them off until the next log out.
      schemaAuthFailed = true;
      setTimeout(function () { ui.specActions.download(); });
    }
    return response;
  }

  function injectAuthCredentials(request) {
    if (ui === null) {
      return;
    }
    var state = ui.getState().get("auth").get("authorized");
    if (state === undefined || Object.keys(state.toJS()).length === 0) {
      return;
    }
    var authorized = state.toJS();
    for (var i = 0; i < config.schemaAuthNames.length; i++) {
      var authDef = authorized[config.schemaAuthNames[i]];
      if (authDef === undefined || authDef.schema === undefined) {
        continue;
      }
      if (authDef.schema.type === "http" && authDef.schema.scheme === "bearer") {
        request.headers.Authorization = "Bearer " + authDef.value;
        return;
      }
      if (authDef.schema.type === "apiKey" && authDef.schema.in === "header") {
        request.headers[authDef.schema.name] = authDef.value;
        return;
      }
    }
  }

  function requestInterceptor(request) {
    if (request.loadSpec && config.schemaAuthNames.length > 0 && !schemaAuthFailed) {
      injectAuthCredentials(request);
    }
    if (["GET", undefined].indexOf(request.method) === -1 && request.credentials === "same-origin") {
      request.headers[config.csrfHeaderName] = config.csrfToken;
    }
    return request;
  }

  ui = window.SwaggerUIBundle(Object.assign({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: plugins,
    layout: "BaseLayout",
    requestInterceptor: requestInterceptor,
    responseInterceptor: responseInterceptor
  }, config.settings));

  if (Object.keys(config.oauth2Config).length > 0) {
    ui.initOAuth(config.oauth2Config);
  }
})();
