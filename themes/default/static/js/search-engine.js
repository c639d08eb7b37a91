/* The search engine behind the header box and the search page.
 *
 *   SiteSearchEngine.load({base, lunrUrl}) -> Promise<engine>
 *   engine.search(query)  -> Promise<[{ref, score, doc, terms}]>, best first; rejects with a
 *                            SiteSearchEngine.QueryError when lunr.js cannot parse the query
 *   engine.termOf(word)   -> the index term of a word (lowercased, trimmed, stemmed) or ""
 *   engine.size           -> number of documents
 *
 * `doc` is the paper's entry of search/documents.json ({title, url, date, tags, snippet});
 * `terms` are the index terms the paper matched, for highlighting. This loader reads the
 * whole index (search/lunr-index.json + search/documents.json); a loader for split indexes
 * keeps the same interface.
 *
 * Queries: plain words are searched as written and as prefixes (`quant` finds `quantization`);
 * a query with lunr syntax (`title:x`, `x*`, `+x -y`, `x^2`, `x~1`) goes to lunr.js as it is,
 * except that "word: " after a word that is not a field is read as punctuation (pasted titles).
 */
(function () {
  'use strict';

  const script = document.currentScript;
  const SYNTAX = /[:^~*\\]|(?:^|\s)[+-]/;
  const SEPARATOR = /[\s\-]+/;
  const PREFIX_MIN = 2;
  const PREFIX_BOOST = 0.2;
  const STEM_MIN = 4;
  const STEM_CUT = 6;

  class QueryError extends Error {
    constructor(message) {
      super(message);
      this.name = 'QueryError';
    }
  }

  function loadScript(src) {
    if (window.lunr) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.async = true;
      el.onload = () => (window.lunr ? resolve() : reject(new Error('lunr.js did not load')));
      el.onerror = () => reject(new Error('could not load ' + src));
      document.head.appendChild(el);
    });
  }

  async function fetchJSON(url) {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
    return response.json();
  }

  function isPlain(query) {
    return !SYNTAX.test(query);
  }

  class Engine {
    constructor(lunr, index, documents) {
      this.lunr = lunr;
      this.index = index;
      this.documents = documents;
      this.size = Object.keys(documents).length;
      this.fields = new Set(index.fields);
      this.stopWords = lunr.stopWordFilter;
      this.cache = new Map();
    }

    termOf(word) {
      const key = String(word).toLowerCase();
      let term = this.cache.get(key);
      if (term === undefined) {
        const lunr = this.lunr;
        let token = lunr.trimmer(new lunr.Token(key, {}));
        token = token && lunr.stopWordFilter(token);
        token = token && lunr.stemmer(token);
        term = token ? token.toString() : '';
        if (this.cache.size > 5000) this.cache.clear();
        this.cache.set(key, term);
      }
      return term;
    }

    /* Plain words: each word as it is (through the search pipeline) and, unless it is a stop
     * word or a single letter, as a prefix of index terms, weighted less than a whole word.
     * A word that no index term starts with (`quantizat`, half-typed) also matches the
     * longest index term it starts with (`quantiz`): stemming cuts word endings. */
    plainQuery(query) {
      const lunr = this.lunr;
      const words = query.toLowerCase().split(SEPARATOR)
        .map((w) => w.replace(/^\W+/, '').replace(/\W+$/, ''))
        .filter(Boolean);
      if (!words.length) return [];
      return this.index.query((q) => {
        for (const word of words) {
          q.term(word, { usePipeline: true });
          if (word.length < PREFIX_MIN || !this.stopWords(new lunr.Token(word, {}))) continue;
          if (this.startsTerm(word)) {
            q.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: PREFIX_BOOST });
          } else {
            const stem = this.longestTermIn(word);
            if (stem) q.term(stem, { usePipeline: false, boost: PREFIX_BOOST });
          }
        }
      });
    }

    /* Whether some index term starts with `prefix`. */
    startsTerm(prefix) {
      let node = this.index.tokenSet;
      for (let i = 0; i < prefix.length; i++) {
        node = node.edges[prefix.charAt(i)];
        if (!node) return false;
      }
      return true;
    }

    /* The longest index term that `word` starts with, cutting at most STEM_CUT letters. */
    longestTermIn(word) {
      const shortest = Math.max(STEM_MIN, word.length - STEM_CUT);
      for (let end = word.length - 1; end >= shortest; end--) {
        const prefix = word.slice(0, end);
        if (Object.prototype.hasOwnProperty.call(this.index.invertedIndex, prefix)) return prefix;
      }
      return '';
    }

    /* A colon followed by a space, after a word that is not a field or after a space, is
     * punctuation, as in pasted titles ("MossFormer2: Combining ...", "NUPES : Non-Uniform ...");
     * `title: mamba`, `speech:` and `foo:bar` stay syntax. */
    prose(text) {
      return text.replace(/(\S+):(?=\s)/g, (all, word) => (this.fields.has(word.toLowerCase()) ? all : word))
        .replace(/(^|\s):(?=\s)/g, '$1');
    }

    syntaxQuery(query) {
      try {
        return this.index.search(query);
      } catch (error) {
        throw new QueryError(error && error.message ? String(error.message) : 'query not understood');
      }
    }

    async search(query) {
      const text = this.prose(String(query || '').trim());
      if (!text) return [];
      const hits = isPlain(text) ? this.plainQuery(text) : this.syntaxQuery(text);
      const results = [];
      for (const hit of hits) {
        const doc = this.documents[hit.ref];
        if (doc) {
          results.push({ ref: hit.ref, score: hit.score, doc, terms: Object.keys(hit.matchData.metadata) });
        }
      }
      return results;
    }
  }

  async function load(options) {
    const base = (options && options.base) || '/';
    const lunrUrl = (options && options.lunrUrl) || (script && script.dataset.lunr) || base + 'assets/js/lunr.min.js';
    const [, index, documents] = await Promise.all([
      loadScript(lunrUrl),
      fetchJSON(base + 'search/lunr-index.json'),
      fetchJSON(base + 'search/documents.json'),
    ]);
    return new Engine(window.lunr, window.lunr.Index.load(index), documents);
  }

  window.SiteSearchEngine = Object.freeze({ load, QueryError, isPlain });
})();
