/* Search UI: the header box (results as you type) and the /search/ page (?q= and tag= filters).
 * The index loads on first use, through SiteSearchEngine (search-engine.js). Text from the
 * index is always set with textContent. */
(function () {
  'use strict';

  const Search = window.SiteSearchEngine;  // undefined when search-engine.js did not load: search says so
  if (!document.body) return;

  const DEBOUNCE_MS = 120;
  const POPUP_LIMIT = 8;
  const PAGE_STEP = 50;
  // Results shown as soon as their documents are in, before those of the rest of a step: a
  // large catalogue's search fetches a small file for each result shown.
  const FIRST_SHOWN = 10;
  const FACET_LIMIT = 8;
  // A query quoted back in the page keeps this many characters: a pasted abstract is not repeated whole.
  const QUOTE_MAX = 60;
  // A search still running after this long says so (a broad prefix, s*, takes seconds in lunr.js).
  const SLOW_MS = 400;
  // An index still loading after this long says that it may take a while, and what to do meanwhile.
  const STALLED_MS = 6000;
  const STALLED = 'The search index is still loading: this takes a while on a slow connection.';
  // Screen readers hear a result count once the reader has paused this long, not at every key.
  const ANNOUNCE_MS = 1000;
  const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const base = ((document.body.dataset.base || '/').replace(/\/*$/, '/'));

  /* ---- shared helpers ---- */

  let enginePromise = null;
  function engine() {
    if (!Search) return Promise.reject(new Error('search-engine.js did not load'));
    if (!enginePromise) {
      enginePromise = Search.load({ base });
      enginePromise.catch(() => { enginePromise = null; });
    }
    return enginePromise;
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children || []) if (child) node.append(child);
    return node;
  }

  function debounce(fn, ms) {
    let timer = 0;
    const wrapped = (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
    wrapped.cancel = () => clearTimeout(timer);
    return wrapped;
  }

  function humanDate(value) {
    if (!value) return '';
    const parts = String(value).split('-');
    const month = MONTHS[Number(parts[1]) - 1];
    if (parts.length === 3 && month) return Number(parts[2]) + ' ' + month + ' ' + parts[0];
    if (parts.length === 2 && month) return month + ' ' + parts[0];
    return String(value);
  }

  /* A live region that speaks what it is given once nothing newer has come for ANNOUNCE_MS:
   * the results change with every key typed, and a count read out at each would talk over the
   * typing. `now` speaks at once (and `now('')` silences what is pending). */
  function announcer(region) {
    const later = debounce((text) => {
      if (region) region.textContent = text;
    }, ANNOUNCE_MS);
    later.now = (text) => {
      later.cancel();
      if (region) region.textContent = text;
    };
    return later;
  }

  /* A query as the page repeats it: a long one cut at QUOTE_MAX characters. */
  function shortened(text) {
    const chars = [...text];
    return chars.length > QUOTE_MAX ? chars.slice(0, QUOTE_MAX).join('').trimEnd() + '…' : text;
  }

  function quoted(text) {
    return '“' + shortened(text) + '”';
  }

  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }

  /* The text as nodes, each word whose index term is in `terms` wrapped in <mark>. */
  function highlight(text, terms, eng) {
    const fragment = document.createDocumentFragment();
    const value = String(text || '');
    if (!terms || !terms.size || !eng) {
      fragment.append(value);
      return fragment;
    }
    const word = /[^\s\-]+/g;
    let last = 0;
    let match;
    while ((match = word.exec(value))) {
      const token = match[0];
      const core = Search.trim(token);  // the word as the index has it, in any script
      const lead = core ? token.indexOf(core) : 0;
      if (!core || !terms.has(eng.termOf(core))) continue;
      const start = match.index + lead;
      if (start > last) fragment.append(value.slice(last, start));
      fragment.append(el('mark', { text: core }));
      last = start + core.length;
    }
    if (last < value.length) fragment.append(value.slice(last));
    return fragment;
  }

  function searchUrl(query, tags) {
    const params = new URLSearchParams();
    if (query) params.set('q', query);
    for (const tag of tags || []) params.append('tag', tag);
    const text = params.toString();
    return base + 'search/' + (text ? '?' + text : '');
  }

  /* lunr.js's parse errors, and the engine's refusals, in words a reader can act on. */
  function queryErrorMessage(error) {
    const detail = String((error && error.message) || '');
    const most = detail.match(/^an edit distance of at most (\d+)/);
    if (most) {
      return 'A “~” allows at most ' + most[1] + ' typos in a word, as in speach~1: more would match nearly every'
        + ' paper, and take seconds.';
    }
    const field = detail.match(/^unrecognised field '([^']*)'/);
    if (field && field[1]) {
      return '“' + shortened(field[1]) + ':” is not a field. The fields are title:, abstract:, authors: and tags:.';
    }
    const rules = [
      [/^unrecognised field/, 'A “:” needs a field name before it, as in title:mamba.'],
      [/^expecting term, found nothing/, 'A field needs a word after it, as in title:mamba.'],
      [/^expecting term, found 'FIELD'/, 'Write one “:” between a field and a word, as in title:mamba.'],
      [/^expecting term or field, found nothing/, 'A “+” or “-” needs a word after it, as in +speech -synthesis.'],
      [/PRESENCE/, 'Put one “+” or “-” right before a word, as in +speech -synthesis.'],
      [/BOOST|^boost/, 'A “^” goes right after a word and needs a number, as in mamba^10.'],
      [/EDIT_DISTANCE|^edit distance/, 'A “~” goes right after a word and needs a number, as in speach~1.'],
      [/^a wildcard needs letters/, 'A “*” stands for the rest of a word: write it with letters, as in quantiz* or *former.'],
      [/^a backslash needs/, 'A “\\” alone has no meaning: it makes the character after it part of a word.'],
    ];
    for (const [pattern, text] of rules) if (pattern.test(detail)) return text;
    return 'It has a special character (: ^ ~ * + -) in a place where it has no meaning.';
  }

  /* Why plain words found nothing, when each is a word the index leaves out ("the of and"):
   * lunr.js drops such common words, so no paper can match them. Otherwise "". */
  function tooCommon(query, eng) {
    if (!eng || !Search.isPlain(query)) return '';
    const words = Search.words(query);  // as the engine reads plain words, lowercased
    // lunr's stop words are plain letters; other words may leave no term for other reasons
    if (!words.length || words.some((w) => !/^[a-z]+$/i.test(w) || eng.termOf(w))) return '';
    const quoted = [...new Set(words)].map((w) => '“' + w + '”');
    const list = quoted.length > 1 ? quoted.slice(0, -1).join(', ') + ' and ' + quoted[quoted.length - 1] : quoted[0];
    return list + (quoted.length > 1 ? ' are' : ' is') + ' too common to search for: add a word that says more.';
  }

  function isQueryError(error) {
    return Boolean(error) && (error.name === 'QueryError' || error.name === 'QueryParseError');
  }

  /* Whether keys typed in `target` are its text: a text field, not a checkbox or a button. */
  function isTyping(target) {
    if (!target || !(target instanceof Element)) return false;
    if (target instanceof HTMLInputElement) {
      return !/^(checkbox|radio|button|submit|reset|image|range|color|file)$/.test(target.type);
    }
    return target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName);
  }

  /* ---- the header box ---- */

  function headerSearch(form) {
    const input = form.querySelector('.search-input');
    const popup = form.querySelector('.search-popup');
    const list = form.querySelector('[role="listbox"]');
    const message = form.querySelector('.search-popup-msg');
    const live = form.querySelector('.search-live');
    if (!input || !popup || !list || !message) return;
    let active = -1;
    let options = [];
    let generation = 0;
    let shown = '';
    const say = announcer(live);

    function open() {
      popup.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      popup.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      setActive(-1);
    }

    function setActive(index) {
      if (options[active]) options[active].setAttribute('aria-selected', 'false');
      active = index;
      const option = options[active];
      if (option) {
        option.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', option.id);
        option.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function showMessage(text, extra) {
      list.replaceChildren();
      options = [];
      active = -1;
      input.removeAttribute('aria-activedescendant');
      message.replaceChildren(text);
      if (extra) message.append(' ', extra);
      message.hidden = false;
      open();
    }

    /* showMessage, also read out by screen readers. */
    function tell(text, extra) {
      showMessage(text, extra);
      say(text);
    }

    function render(query, results, eng) {
      const fragment = document.createDocumentFragment();
      options = [];
      results.slice(0, POPUP_LIMIT).forEach((result, i) => {
        const terms = new Set(result.terms);
        const option = el('a', {
          id: 'search-option-' + i, className: 'search-option', role: 'option', 'aria-selected': 'false',
          href: base + result.doc.url, tabindex: '-1',
        }, [
          el('span', { className: 'search-option-title', dir: 'auto' }, [highlight(result.doc.title, terms, eng)]),
          result.doc.date || result.doc.authors ? el('span', { className: 'search-option-meta' }, [
            result.doc.date ? humanDate(result.doc.date) : null,
            result.doc.date && result.doc.authors ? ' · ' : null,
            result.doc.authors ? el('span', { dir: 'auto' }, [highlight(result.doc.authors, terms, eng)]) : null,
          ]) : null,
        ]);
        options.push(option);
        fragment.append(option);
      });
      const all = el('a', {
        id: 'search-option-all', className: 'search-option search-option-all', role: 'option',
        'aria-selected': 'false', href: searchUrl(query), tabindex: '-1',
        text: results.length > POPUP_LIMIT ? 'All ' + results.length + ' results →' : 'Open the search page →',
      });
      options.push(all);
      fragment.append(all);
      list.replaceChildren(fragment);
      active = -1;
      input.removeAttribute('aria-activedescendant');
      message.hidden = true;
      message.replaceChildren();
      open();
    }

    async function update() {
      const query = input.value.trim();
      const mine = ++generation;
      if (!query) {
        shown = '';
        close();
        list.replaceChildren();
        say.now('');
        return;
      }
      if (popup.hidden && shown === query && options.length) {
        open();
        return;
      }
      let eng;
      const loading = engine();
      const slow = setTimeout(() => {
        if (mine === generation && document.activeElement === input) showMessage('Loading the search index…');
      }, 150);
      const stalled = setTimeout(() => {
        if (mine === generation && document.activeElement === input) tell(STALLED);
      }, STALLED_MS);
      try {
        eng = await loading;
      } catch (error) {
        if (mine === generation) tell('Search is not available right now.');
        return;
      } finally {
        clearTimeout(slow);
        clearTimeout(stalled);
      }
      if (mine !== generation) return;
      let results;
      const searching = setTimeout(() => {
        if (mine === generation && document.activeElement === input) showMessage('Searching…');
      }, SLOW_MS);
      try {
        results = await eng.search(query, { documents: POPUP_LIMIT });
      } catch (error) {
        if (mine !== generation) return;
        shown = '';
        if (isQueryError(error)) {
          showMessage(queryErrorMessage(error));
          say('The search could not be read.');
          return;
        }
        tell('Search is not available right now.');
        return;
      } finally {
        clearTimeout(searching);
      }
      if (mine !== generation || document.activeElement !== input) {
        if (mine === generation) shown = '';
        return;
      }
      shown = query;
      if (!results.length) {
        const common = tooCommon(query, eng);
        tell(common || 'No papers match.', common ? null : el('a', { href: searchUrl(query), text: 'Search tips' }));
        return;
      }
      render(query, results, eng);
      say(plural(results.length, 'result', 'results') + '. Use the arrow keys to choose one.');
    }

    const scheduled = debounce(update, DEBOUNCE_MS);

    input.addEventListener('focus', () => {
      engine().catch(() => {});
      if (input.value.trim()) update();
    });
    input.addEventListener('input', () => {
      engine().catch(() => {});
      setActive(-1); // the options shown are for the words before this edit: Enter searches the new ones
      scheduled();
    });
    input.addEventListener('keydown', (event) => {
      if (event.isComposing) return;
      const count = options.length;
      if (/^(ArrowDown|ArrowUp|Enter|Escape)$/.test(event.key)) say.cancel(); // the option read out is what matters now
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        if (popup.hidden) {
          if (input.value.trim()) update();
          event.preventDefault();
          return;
        }
        if (!count) return;
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        let next = active + step;
        if (next >= count) next = -1;
        if (next < -1) next = count - 1;
        setActive(next);
      } else if (event.key === 'Enter') {
        scheduled.cancel();
        if (!popup.hidden && options[active]) {
          event.preventDefault();
          window.location.assign(options[active].href);
        }
      } else if (event.key === 'Escape') {
        if (!popup.hidden) {
          event.preventDefault();
          close();
        } else if (!input.value) {
          input.blur();
        }
      }
    });
    form.addEventListener('submit', (event) => {
      const query = input.value.trim();
      event.preventDefault();
      window.location.assign(searchUrl(query));
    });
    form.addEventListener('focusout', (event) => {
      if (!form.contains(event.relatedTarget)) close();
    });
    popup.addEventListener('mousedown', (event) => {
      if (!event.target.closest('a')) event.preventDefault();
    });
    window.addEventListener('pageshow', () => {
      close();
      shown = '';
    });

    document.addEventListener('keydown', (event) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      if (isTyping(event.target)) return;
      event.preventDefault();
      const target = document.getElementById('search-page-input') || input;  // the search page's own field first
      target.focus();
      target.select();
    });
  }

  /* ---- the search page ---- */

  function searchPage(root) {
    const form = root.querySelector('.search-page-form');
    const input = root.querySelector('#search-page-input');
    const facets = root.querySelector('#search-facets');
    const status = root.querySelector('#search-status');
    const say = announcer(root.querySelector('#search-announce'));
    const notice = root.querySelector('#search-notice');
    const list = root.querySelector('#search-results');
    const more = root.querySelector('#search-more');
    if (!form || !input || !facets || !status || !list || !notice || !more) return;
    const tagNames = readTagNames();
    const pageTitle = document.title;
    const state = { query: '', tags: [] };
    let results = [];
    let filtered = [];
    let shownCount = 0;
    let eng = null;
    let generation = 0;
    let facetsOpen = false;
    let returnTo = savedPlace(window.history.state);

    function readTagNames() {
      const node = document.getElementById('search-tag-names');
      try {
        const value = node ? JSON.parse(node.textContent) : {};
        return value && typeof value === 'object' ? value : {};
      } catch (error) {
        return {};
      }
    }

    function tagName(slug) {
      return Object.prototype.hasOwnProperty.call(tagNames, slug) ? tagNames[slug] : slug;
    }

    function readUrl() {
      const params = new URLSearchParams(window.location.search);
      state.query = (params.get('q') || '').trim();
      state.tags = [...new Set(params.getAll('tag').filter(Boolean))];
      input.value = params.get('q') || '';
    }

    function writeUrl(push) {
      const url = searchUrl(state.query, state.tags);
      const current = window.location.pathname + window.location.search;
      if (url !== current) {
        if (push) rememberPlace(null); // Back returns to this list as it is now
        const method = push ? 'pushState' : 'replaceState';
        window.history[method]({ search: true }, '', url);
      }
      document.title = state.query ? shortened(state.query) + ' · ' + pageTitle : pageTitle;
    }

    function setStatus(text) {
      status.textContent = text;
      say(text);
    }

    function showNotice(nodes) {
      notice.replaceChildren(...nodes);
      notice.hidden = false;
      say((status.textContent + ' ' + notice.textContent).trim());
    }

    function clearNotice() {
      notice.hidden = true;
      notice.replaceChildren();
    }

    function resultItem(result) {
      const doc = result.doc;
      const terms = new Set(result.terms);
      const meta = el('p', { className: 'meta' }, [
        doc.date ? el('time', { datetime: doc.date, text: humanDate(doc.date) }) : null,
        doc.date && doc.authors ? ' ' : null,
        doc.authors ? el('span', { className: 'authors', dir: 'auto' }, [highlight(doc.authors, terms, eng)]) : null,
      ]);
      const tags = (doc.tags || []).length ? el('ul', { className: 'tag-list', 'aria-label': 'Tags' },
        doc.tags.map((slug) => el('li', {}, [
          el('a', { className: 'tag', href: base + 'tags/' + encodeURIComponent(slug) + '/', text: tagName(slug) }),
        ]))) : null;
      return el('li', { className: 'paper-card' }, [
        el('h2', { className: 'paper-card-title', dir: 'auto' }, [
          el('a', { href: base + doc.url }, [highlight(doc.title, terms, eng)]),
        ]),
        doc.date || doc.authors ? meta : null,
        doc.snippet ? el('p', { className: 'snippet', dir: 'auto' }, [highlight(doc.snippet, terms, eng)]) : null,
        tags,
      ]);
    }

    /* The next results, once the engine has their documents (a large catalogue's search
     * loads them in small files, for the results shown): the first few at once, then the rest
     * of the step below them. */
    let shownTicket = 0;
    function showMore(place) {
      const step = place ? Math.max(place.shown - shownCount, PAGE_STEP) : PAGE_STEP;
      const next = filtered.slice(shownCount, shownCount + step);
      const first = next.slice(0, FIRST_SHOWN);
      const rest = next.slice(FIRST_SHOWN);
      const ticket = ++shownTicket;
      const failed = () => {
        if (ticket === shownTicket) showNotice(['Search is not available right now.']);
      };
      if (!shownCount) more.hidden = true; // a new list; a clicked button stays (and keeps the focus)
      eng.documents(first).then(() => {
        if (ticket !== shownTicket) return;
        appendResults(first, !rest.length, place);
        if (rest.length) {
          eng.documents(rest).then(() => {
            if (ticket === shownTicket) appendResults(rest, true, place);
          }, failed);
        }
      }, failed);
    }

    function appendResults(next, stepDone, place) {
      const fragment = document.createDocumentFragment();
      next.forEach((result) => fragment.append(resultItem(result)));
      list.append(fragment);
      shownCount += next.length;
      if (!stepDone) return;
      const left = filtered.length - shownCount;
      more.hidden = left <= 0;
      more.textContent = 'Show ' + Math.min(left, PAGE_STEP) + ' more';
      if (place) restorePlace(place);
    }

    /* Where the reader was when they followed a link of the results: how many were shown, the
     * scroll position and the link. The history entry keeps it, so that Back shows as many
     * results, scrolled as they were, with that link focused, also when the browser loads the
     * page again rather than keeping it in memory. */
    function savedPlace(value) {
      return value && value.shown > 0 ? value : null;
    }

    function rememberPlace(link) {
      const href = link ? link.getAttribute('href') : null;
      window.history.replaceState({ search: true, shown: shownCount, scroll: window.scrollY, href }, '');
    }

    function restorePlace(place) {
      window.scrollTo(0, place.scroll || 0);
      const link = place.href && [...list.querySelectorAll('a')].find((a) => a.getAttribute('href') === place.href);
      if (link) link.focus({ preventScroll: true });
    }

    function renderFacets() {
      const counts = new Map();
      for (const result of filtered) {
        for (const slug of result.doc.tags || []) counts.set(slug, (counts.get(slug) || 0) + 1);
      }
      for (const slug of state.tags) if (!counts.has(slug)) counts.set(slug, 0);
      const active = facets.contains(document.activeElement) ? document.activeElement : null;
      const focusKey = active && (active.value ? 'input[value="' + CSS.escape(active.value) + '"]' : '.' + active.className);
      if (!counts.size || !results.length) {
        facets.hidden = true;
        facets.replaceChildren();
        return;
      }
      const order = [...counts.entries()].sort((a, b) => b[1] - a[1] || tagName(a[0]).localeCompare(tagName(b[0])));
      const shown = facetsOpen ? order : order.filter(([slug], i) => i < FACET_LIMIT || state.tags.includes(slug));
      const group = el('div', { className: 'facet-list' }, shown.map(([slug, count]) => {
        const box = el('input', { type: 'checkbox', value: slug, name: 'tag' });
        box.checked = state.tags.includes(slug);
        return el('label', { className: 'facet' }, [
          box,
          el('span', { className: 'facet-name', text: tagName(slug) }),
          el('span', { className: 'facet-count' }, [
            String(count), el('span', { className: 'visually-hidden', text: count === 1 ? ' paper' : ' papers' }),
          ]),
        ]);
      }));
      const legend = el('legend', {}, [
        'Narrow by tag ',
        el('span', {
          className: 'facet-hint',
          text: state.tags.length > 1 ? '(papers with all selected tags)' : '(select several to require all of them)',
        }),
      ]);
      const actions = el('p', { className: 'facet-actions' }, [
        order.length > shown.length || facetsOpen && order.length > FACET_LIMIT
          ? el('button', {
            type: 'button', className: 'facet-toggle', 'aria-expanded': String(facetsOpen),
            text: facetsOpen ? 'Fewer tags' : 'All ' + order.length + ' tags',
          }) : null,
        state.tags.length ? el('button', { type: 'button', className: 'facet-clear', text: 'Clear tags' }) : null,
      ]);
      facets.replaceChildren(el('fieldset', {}, [legend, group, actions.childNodes.length ? actions : null]));
      facets.hidden = false;
      if (focusKey) {
        const again = facets.querySelector(focusKey);
        if (again) again.focus();
      }
    }

    function applyFilter() {
      const wanted = state.tags;
      filtered = wanted.length
        ? results.filter((r) => wanted.every((slug) => (r.doc.tags || []).includes(slug)))
        : results;
      list.replaceChildren();
      shownCount = 0;
      showMore(returnTo);
      returnTo = null;
      renderFacets();
      const query = quoted(state.query);
      if (!results.length) {
        const common = tooCommon(state.query, eng);
        setStatus(common || 'No papers match ' + query + '.');
        if (!common) suggest();
      } else if (wanted.length) {
        const names = wanted.map(tagName).join(' + ');
        setStatus(plural(filtered.length, 'paper', 'papers') + ' of ' + results.length + ' matching ' + query +
          ' tagged ' + names + '.');
      } else {
        setStatus(plural(results.length, 'paper matches', 'papers match') + ' ' + query + '.');
      }
      // lunr.js has no phrase search: a reader who quotes a phrase should know that its words are apart
      if (/["“”]/.test(state.query)) setStatus(status.textContent + ' Words in quotes are searched one by one, not as a phrase.');
    }

    /* What to try when nothing matched: the words again with a typo allowed in each, then browsing. */
    function suggest() {
      const fuzzy = Search.isPlain(state.query) ? state.query.split(/\s+/)
        .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')).filter(Boolean)
        .map((word) => (/^[\p{L}\p{N}]{4,}$/u.test(word) ? word + '~1' : word)) : [];
      const retry = fuzzy.some((word) => word.endsWith('~1'))
        ? [', or ', retryLink(fuzzy.join(' '), 'search for ' + quoted(fuzzy.join(' '))), ', which allows a typo in each word'] : [];
      showNotice(['Check the spelling', ...retry, '. Or browse the ', ...browseLinks(), '.']);
    }

    /* A link to the search for `words`, run in place when clicked (it flows in a sentence, which
     * a button cannot: a long one wrapped as a block of its own on a phone). */
    function retryLink(words, text) {
      const retry = el('a', { href: searchUrl(words, state.tags), text });
      retry.addEventListener('click', (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        input.value = words;
        state.query = words;
        writeUrl(true);
        run();
      });
      return retry;
    }

    function browseLinks() {
      return [el('a', { href: base + 'tags/', text: 'tag index' }), ' or the ', el('a', { href: base, text: 'list of papers' })];
    }

    function plainWords(text) {
      return text.replace(/[:^~*\\]+/g, ' ').replace(/(^|\s)[+-]+/g, '$1').replace(/\s+/g, ' ').trim();
    }

    async function run() {
      const mine = ++generation;
      clearNotice();
      if (!state.query) {
        results = [];
        filtered = [];
        list.replaceChildren();
        more.hidden = true;
        facets.hidden = true;
        facets.replaceChildren();
        setStatus(state.tags.length ? 'Type words to search the papers tagged ' + state.tags.map(tagName).join(' + ') + '.'
          : 'Type words to search titles, abstracts, authors and tags.');
        if (state.tags.length) { // or browse them: each tag's page lists its papers
          const links = state.tags.map((slug) => el('a', { href: base + 'tags/' + encodeURIComponent(slug) + '/', text: tagName(slug) }));
          showNotice(['Or browse every paper tagged ', ...links.flatMap((link, i) => (i ? [', ', link] : [link])), '.']);
        }
        return;
      }
      if (!eng) setStatus('Loading the search index…');
      const stalled = setTimeout(() => {
        if (mine === generation) showNotice([STALLED + ' Meanwhile, browse the ', ...browseLinks(), '.']);
      }, STALLED_MS);
      try {
        eng = await engine();
      } catch (error) {
        if (mine !== generation) return;
        setStatus('');
        showNotice(['Search could not load its index. Browse the ', ...browseLinks(), ' instead.']);
        return;
      } finally {
        clearTimeout(stalled);
      }
      if (mine !== generation) return;
      clearNotice();
      const slow = setTimeout(() => {
        if (mine === generation) setStatus('Searching for ' + quoted(state.query) + '…');
      }, SLOW_MS);
      try {
        results = await eng.search(state.query, { tags: true, documents: FIRST_SHOWN });
      } catch (error) {
        if (mine !== generation) return;
        results = [];
        filtered = [];
        list.replaceChildren();
        more.hidden = true;
        facets.hidden = true;
        setStatus('');
        if (!isQueryError(error)) {
          showNotice(['Search is not available right now.']);
          return;
        }
        const words = plainWords(state.query);
        const nodes = [el('strong', { text: 'This search could not be read. ' }), queryErrorMessage(error)];
        if (words) nodes.push(' ', retryLink(words, 'Search for ' + quoted(words) + ' instead'));
        showNotice(nodes);
        return;
      } finally {
        clearTimeout(slow);
      }
      if (mine !== generation) return;
      applyFilter();
    }

    const typed = debounce(() => {
      state.query = input.value.trim();
      writeUrl(false);
      run();
    }, DEBOUNCE_MS);

    input.addEventListener('input', typed);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      typed.cancel();
      state.query = input.value.trim();
      writeUrl(true);
      run();
    });
    facets.addEventListener('change', (event) => {
      const box = event.target;
      if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox') return;
      state.tags = box.checked ? [...state.tags.filter((t) => t !== box.value), box.value]
        : state.tags.filter((t) => t !== box.value);
      writeUrl(true);
      applyFilter();
    });
    facets.addEventListener('click', (event) => {
      if (event.target.closest('.facet-toggle')) {
        facetsOpen = !facetsOpen;
        renderFacets();
        return;
      }
      if (!event.target.closest('.facet-clear')) return;
      state.tags = [];
      writeUrl(true);
      applyFilter();
      input.focus();
    });
    more.addEventListener('click', () => showMore());
    list.addEventListener('click', (event) => {
      const link = event.target.closest('a[href]');
      if (link) rememberPlace(link);
    });
    window.addEventListener('popstate', (event) => {
      returnTo = savedPlace(event.state);
      readUrl();
      run();
    });

    readUrl();
    writeUrl(false);
    run();
  }

  /* The sticky header with the search box is as tall as a long site title makes it: the page
   * scrolls a focused link or an anchor below it, whatever its height (site.css guesses 5.5rem). */
  function clearStickyHeader(header) {
    if (!window.ResizeObserver) return;
    const root = document.documentElement;
    new ResizeObserver(() => {
      const sticky = getComputedStyle(header).position === 'sticky';
      root.style.scrollPaddingTop = sticky ? Math.ceil(header.getBoundingClientRect().height) + 16 + 'px' : '';
    }).observe(header);
  }

  function start() {
    const siteHeader = document.querySelector('.site-header');
    if (siteHeader) clearStickyHeader(siteHeader);
    const header = document.querySelector('.site-header .search-box');
    if (header) headerSearch(header);
    const page = document.querySelector('[data-search-page]');
    if (page) searchPage(page);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
