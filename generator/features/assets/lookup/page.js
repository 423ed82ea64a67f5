// The "paste your error" page: reads the version's index (whole, or the pieces a text
// needs, through loader.js), runs the matcher (lookup.js) on what the reader pastes, and
// lists the entries found; when none is found, the versions that have one. Every text,
// pasted or from the catalogue, goes into the page with textContent, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("kb-lookup-form");
  var input = document.getElementById("kb-lookup-input");
  var status = document.getElementById("kb-lookup-status");
  var list = document.getElementById("kb-lookup-results");
  var propose = document.getElementById("kb-lookup-propose");
  var elsewhere = document.getElementById("kb-lookup-elsewhere");
  var versions = window.KB_LOOKUP_VERSIONS;
  var base = "../assets/lookup/";
  var source = form && window.KBLookup && window.KBLookupIndex && versions &&
    window.KBLookupIndex.open(base, versions.current);
  if (!source) {
    if (status) status.textContent = "The lookup index of this version could not be loaded.";
    return;
  }
  var fromDisk = window.location.protocol === "file:";
  // The matching runs in a worker: a pasted log of any size never keeps the page busy.
  var runner = new window.KBLookupIndex.Runner();
  var KINDS = { exact: "exact message", pattern: "message pattern", code: "error code",
    fuzzy: "similar message" };

  // Links to a topic page of this version, relative to this page (lookup/).
  function href(topic, anchor) {
    return "../" + topic + (fromDisk ? "/index.html" : "/") + "#" + anchor;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(text, url, className) {
    var a = element("a", className, text);
    a.setAttribute("href", url);
    return a;
  }

  // The matched lines as shown: a line of a megabyte would keep the page busy laying it out.
  var SHOWN = 2000;
  function clipped(text) {
    if (text.length <= SHOWN) return text;
    return text.slice(0, SHOWN) + "… (" + (text.length - SHOWN).toLocaleString("en") +
      " more characters)";
  }

  function show(result) {
    var item = element("li", "kb-lookup__result");
    var heading = element("p", "kb-lookup__title");
    heading.appendChild(link(result.title, href(result.topic, result.entry), "kb-lookup__link"));
    heading.appendChild(element("span", "kb-lookup__kind",
      KINDS[result.kind] + " · score " + result.score));
    item.appendChild(heading);
    if (result.cause) {
      var cause = element("p", "kb-lookup__cause", "Most likely cause: ");
      cause.appendChild(link(result.cause.title, href(result.topic, result.cause.id)));
      item.appendChild(cause);
    }
    var where = result.line === result.end_line ? "Line " + result.line
      : "Lines " + result.line + "–" + result.end_line;
    item.appendChild(element("p", "kb-lookup__where", where + ":"));
    item.appendChild(element("pre", "kb-lookup__line", clipped(result.text)));
    var names = Object.keys(result.values);
    if (names.length) {
      var values = element("dl", "kb-lookup__values");
      names.forEach(function (name) {
        values.appendChild(element("dt", null, name));
        values.appendChild(element("dd", null, result.values[name]));
      });
      item.appendChild(values);
    }
    return item;
  }

  // Other versions in which the text finds an entry, each linked to that entry there.
  function showElsewhere(text, runNumber) {
    elsewhere.textContent = "Looking in the other versions…";
    elsewhere.hidden = false;
    window.KBLookupIndex.elsewhere("../", versions.current, versions.versions, text,
      function (found) {
        if (runNumber !== runs) return;
        elsewhere.textContent = "";
        if (!found.length) {
          elsewhere.textContent = "No other version of this knowledge base has a match either.";
          return;
        }
        elsewhere.appendChild(document.createTextNode("Found in other versions: "));
        found.forEach(function (hit, i) {
          if (i) elsewhere.appendChild(document.createTextNode(", "));
          var url = "../../" + hit.moniker + "/" + hit.result.topic +
            (fromDisk ? "/index.html" : "/") + "#" + hit.result.entry;
          elsewhere.appendChild(link(hit.title + " (" + hit.result.title + ")", url,
            "kb-lookup__elsewhere-link"));
        });
        elsewhere.appendChild(document.createTextNode("."));
      }, null, runner);
  }

  // A long paste (a whole log) is kept here, and the box shows only its last lines: a
  // browser lays out and paints every line a text box holds, which for a log of a megabyte
  // keeps the page busy for a long while at each change. The lookup reads the whole paste.
  var LONG_PASTE = 100000;  // characters
  var SHOWN_LINES = 200;
  var SHOWN_CHARS = 20000;
  var pasted = null;  // { text, shown }

  function lastLines(text) {
    var at = text.length;
    for (var n = 0; n < SHOWN_LINES && at > 0; n++) {
      at = text.lastIndexOf("\n", at - 2) + 1;
    }
    var shown = text.slice(at);
    return shown.length > SHOWN_CHARS ? shown.slice(shown.length - SHOWN_CHARS) : shown;
  }

  function megabytes(count) {
    return (count / 1048576).toLocaleString("en", { maximumFractionDigits: 1 }) + " MB";
  }

  input.addEventListener("paste", function (event) {
    var data = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (!data || data.length <= LONG_PASTE) return;
    event.preventDefault();
    var shown = lastLines(data);
    pasted = { text: data, shown: shown };
    input.value = shown;
    status.textContent = "Pasted " + megabytes(data.length) + " of text. The box shows its " +
      "end; Find the fix reads all of it. Editing the box starts again from what it shows.";
  });
  input.addEventListener("input", function () {
    if (pasted && input.value !== pasted.shown) pasted = null;
  });

  var runs = 0;
  function run() {
    var text = pasted && input.value === pasted.shown ? pasted.text : input.value;
    var runNumber = ++runs;
    list.textContent = "";
    propose.textContent = "";
    propose.hidden = true;
    elsewhere.textContent = "";
    elsewhere.hidden = true;
    if (!text.trim()) {
      status.textContent = "Paste an error message or a log first.";
      return;
    }
    status.textContent = "Looking…";
    runner.matcherFor(source, text, function (matcher) {
      if (runNumber !== runs) return;
      runner.lookup(matcher, text, 10, function (found) {
        if (runNumber === runs) showFound(found, text, runNumber);
      });
    });
  }

  function showFound(found, text, runNumber) {
    var version = found.version_title;
    if (found.results.length) {
      status.textContent = (found.results.length === 1 ? "1 entry matches"
        : found.results.length + " entries match") + " for " + version + ", best first." +
        (found.truncated ? " Only the last 1 MB of the text was searched." : "");
      found.results.forEach(function (result) { list.appendChild(show(result)); });
    } else {
      status.textContent = "No entry of this knowledge base matches this text for " +
        version + ".";
      showElsewhere(text, runNumber);
    }
    if (found.propose_url) {
      propose.appendChild(document.createTextNode(
        found.results.length ? "Not the right fix? " : "Help the next person: "));
      propose.appendChild(link("Propose a new entry", found.propose_url, "kb-lookup__propose-link"));
      propose.appendChild(document.createTextNode(
        " (the link fills in the message with its variable parts replaced; review it before you send it)."));
      propose.hidden = false;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  document.documentElement.setAttribute("data-kb-lookup", "ready");
})();
