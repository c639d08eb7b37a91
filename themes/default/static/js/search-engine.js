/* The search engine behind the header box and the search page.
 *
 *   SiteSearchEngine.load({base, lunrUrl, index}) -> Promise<engine>
 *   engine.search(query, {tags, documents})
 *                         -> Promise<[{ref, score, doc, terms}]>, best first; rejects with a
 *                            SiteSearchEngine.QueryError when lunr.js cannot parse the query
 *   engine.documents(results) -> Promise, resolved once every result's `doc` is complete
 *   engine.termOf(word)   -> the index term of a word (lowercased, trimmed, stemmed) or ""
 *   SiteSearchEngine.identifier(text) -> the term a pasted arXiv id, DOI or link is searched as, or null
 *   engine.size           -> number of documents
 *
 * `doc` is the paper's entry of search/documents.json ({title, url, date, tags, snippet, authors});
 * `terms` are the index terms the paper matched, for highlighting.
 *
 * Two layouts, the same results. A small catalogue has the whole index in
 * search/lunr-index.json and every document in search/documents.json: both are loaded at once
 * and every `doc` is complete. A large one has search/manifest.json, which names term shards
 * (each a slice of the index: the terms of a range, with their postings and their entries in
 * the field vectors) and small document files: a query loads the shards of its terms (and of
 * the ranges its wildcards cover), puts them in one lunr.Index and runs lunr.js's own query
 * code on it. lunr scores a document by the dot products of the query vector with its field
 * vectors, which involve only the query's terms, so the scores and the order are the ones the
 * whole index gives. There, a result's `doc` starts with its tags only when the search asked
 * for `{tags: true}` (they come in one file, for facets), and the rest arrives with
 * `engine.documents(results)` or `{documents: n}` (the first n results).
 *
 * Which layout: `options.index` or the script's data-index attribute names the file to start
 * from (search/manifest.json or search/lunr-index.json); without either, the engine reads
 * lunr-index.json and falls back to the manifest when there is none.
 *
 * Queries: a pasted arXiv id, DOI or link to a paper's page is searched as the one term the
 * paper's `ids` field holds for it; plain words are searched as written and as prefixes in the
 * text fields (`quant` finds `quantization`); a query with lunr syntax (`title:x`, `x*`,
 * `+x -y`, `x^2`, `x~1`) goes to lunr.js as it is, except that "word: " after a word that is
 * not a field is read as punctuation (pasted titles) and that a term of wildcards only (`*`,
 * which lunr.js takes for every term), an empty term (a lone `\`) and an edit distance above
 * MAX_EDIT_DISTANCE (2) are QueryErrors.
 *
 * In a page, the engine runs in a Web Worker started from this same file (`options.worker:
 * false`, or a browser that cannot start it, keeps it in the page): a broad query of a large
 * catalogue keeps lunr.js busy for up to a second, which would otherwise freeze the page while
 * the reader types. The page loads lunr.js too, for `termOf`. While a search runs in the worker,
 * a newer one with the same options replaces the one waiting behind it, which rejects with an
 * error named `Superseded`: the newer query's results are the ones a reader is waiting for.
 */
(function () {
  'use strict';

  const inWorker = typeof document === 'undefined' && typeof importScripts === 'function';
  const script = inWorker ? null : document.currentScript;
  const SYNTAX = /[:^~*\\]|(?:^|\s)[+-]/;
  const SEPARATOR = /[\s\-]+/;
  // What is not part of a word, at either end of one: lunr.trimmer's \W on ASCII; beyond it,
  // what is not a letter, mark or digit of any script (lunr.trimmer strips every letter outside
  // A-Z, so that a word in Cyrillic or Chinese could never be found). The index is trimmed so.
  const LEADING = /^[^\p{L}\p{M}\p{N}_]+/u;
  const TRAILING = /[^\p{L}\p{M}\p{N}_]+$/u;
  // A pasted arXiv id or DOI, bare, as `arXiv:…` (with the category arXiv prints after it:
  // `arXiv:2403.01844 [cs.CL]`) or `doi:…`, or as a link to its page (arXiv, its mirrors,
  // Hugging Face's paper pages, doi.org): searched as the one term the index's
  // `ids` field holds for it (the id without its version, or the DOI; lowercased, hyphens
  // removed, as search.py writes them).
  const ARXIV_ID = /^(?:arxiv:\s*|(?:https?:\/\/)?(?:(?:www\.|export\.)?arxiv\.org|(?:www\.)?alphaxiv\.org)\/(?:abs|pdf|html|overview)\/|(?:https?:\/\/)?(?:www\.)?huggingface\.co\/papers\/)?(\d{4}\.\d{4,5}|[a-z][a-z.-]*\/\d{7})(?:v\d+)?(?:\.pdf)?\/?(?:[?#]\S*)?(?:\s*\[[\w.-]+\])?$/i;
  const DOI = /^(?:doi:\s*|(?:https?:\/\/)?(?:dx\.)?doi\.org\/)?(10\.\d{4,9}\/\S+)$/i;
  const IDS_FIELD = 'ids';
  const PREFIX_MIN = 2;
  const PREFIX_BOOST = 0.2;
  const STEM_MIN = 4;
  const STEM_CUT = 6;
  // The largest edit distance (`speach~2`) searched. lunr.js builds every spelling within the
  // distance, a number that grows exponentially with it: at 10,000 papers `a~3` takes 2 s and
  // `model~4` 3 s, `speech~8` 10 s, and `representations~12` runs out of memory; within 2,
  // every word takes under 1 s. Beyond 2 a word matches nearly every paper anyway.
  const MAX_EDIT_DISTANCE = 2;
  const SPLIT_LAYOUT = 'lunr-shards';
  const SPLIT_FORMAT = 2;
  // A posting's metadata: the index keeps none, and lunr.js only reads a posting's (cloning
  // its keys), so every posting of a merged shard shares one frozen empty object.
  const NO_METADATA = Object.freeze({});

  class QueryError extends Error {
    constructor(message) {
      super(message);
      this.name = 'QueryError';
    }
  }

  class MissingFile extends Error {
    constructor(url, status) {
      super(url + ': HTTP ' + status);
      this.name = 'MissingFile';
      this.status = status;
    }
  }

  /* A load that belongs to a manifest the engine has since replaced. */
  class StaleBuild extends Error {
    constructor() {
      super('the site was rebuilt');
      this.name = 'StaleBuild';
    }
  }

  function loadScript(src) {
    if (globalThis.lunr) return Promise.resolve();
    if (inWorker) {
      try {
        importScripts(src);
      } catch (error) {
        return Promise.reject(new Error('could not load ' + src));
      }
      return globalThis.lunr ? Promise.resolve() : Promise.reject(new Error('lunr.js did not load'));
    }
    return new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.async = true;
      el.onload = () => (globalThis.lunr ? resolve() : reject(new Error('lunr.js did not load')));
      el.onerror = () => reject(new Error('could not load ' + src));
      document.head.appendChild(el);
    });
  }

  async function fetchJSON(url, init) {
    const response = await fetch(url, Object.assign({ credentials: 'same-origin' }, init));
    if (!response.ok) throw new MissingFile(url, response.status);
    return response.json();
  }

  function isPlain(query) {
    return !SYNTAX.test(query);
  }

  function trim(word) {
    return word.replace(LEADING, '').replace(TRAILING, '');
  }

  function words(query) {
    return query.toLowerCase().split(SEPARATOR).map(trim).filter(Boolean);
  }

  /* The index term of a pasted identifier or link (see ARXIV_ID), escaped for lunr's query
   * syntax, or null when the text is not one. */
  function identifier(text) {
    let match = ARXIV_ID.exec(text);
    let id = match ? match[1] : null;
    if (!id && (match = DOI.exec(text))) {
      id = match[1];
      try {
        id = decodeURIComponent(id);
      } catch (error) {
        // a DOI with a bare %: searched as written
      }
    }
    return id && id.toLowerCase().replace(/[\s-]+/g, '').replace(/[:^~*+\\]/g, '\\$&');
  }

  function queryError(error) {
    return new QueryError(error && error.message ? String(error.message) : 'query not understood');
  }

  /* The index term of a word, as the index's pipeline makes it; `cache` maps words to terms. */
  function termOf(lunr, cache, word) {
    const key = String(word).toLowerCase();
    let term = cache.get(key);
    if (term === undefined) {
      let token = lunr.stopWordFilter(new lunr.Token(trim(key), {}));
      token = token && lunr.stemmer(token);
      term = token ? token.toString() : '';
      if (cache.size > 5000) cache.clear();
      cache.set(key, term);
    }
    return term;
  }

  /* A result's document before its file arrives; `complete` (not enumerable) says when it has. */
  function placeholder() {
    const doc = { title: '', url: '', date: null, tags: [], snippet: '', authors: '' };
    Object.defineProperty(doc, 'complete', { value: false, writable: true, enumerable: false });
    return doc;
  }

  /* What both layouts share: how a query becomes lunr.js clauses, run on `this.index`. */
  class Engine {
    constructor(lunr, index, size) {
      this.lunr = lunr;
      this.index = index;
      this.size = size;
      this.fields = new Set(index.fields);
      // Prefixes are looked for in the text fields only: `2012` is a year, not every arXiv id
      // of December 2020.
      this.textFields = index.fields.filter((field) => field !== IDS_FIELD);
      this.stopWords = lunr.stopWordFilter;
      this.cache = new Map();
    }

    termOf(word) {
      return termOf(this.lunr, this.cache, word);
    }

    /* Whether a plain word is also searched as a prefix (not a stop word or a single letter). */
    prefixWord(word) {
      return word.length >= PREFIX_MIN && Boolean(this.stopWords(new this.lunr.Token(word, {})));
    }

    /* Plain words: each word as it is (through the search pipeline) and, unless it is a stop
     * word or a single letter, as a prefix of index terms, weighted less than a whole word.
     * A word that no index term starts with (`quantizat`, half-typed) also matches the
     * longest index term it starts with (`quantiz`): stemming cuts word endings. */
    plainQuery(query) {
      const lunr = this.lunr;
      const list = words(query);
      if (!list.length) return [];
      return this.index.query((q) => {
        for (const word of list) {
          q.term(word, { usePipeline: true });
          if (!this.prefixWord(word)) continue;
          if (this.startsTerm(word)) {
            q.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING, boost: PREFIX_BOOST,
              fields: this.textFields });
          } else {
            const stem = this.longestTermIn(word);
            if (stem) q.term(stem, { usePipeline: false, boost: PREFIX_BOOST, fields: this.textFields });
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

    /* The candidates of longestTermIn, longest first. */
    stemCandidates(word) {
      const shortest = Math.max(STEM_MIN, word.length - STEM_CUT);
      const candidates = [];
      for (let end = word.length - 1; end >= shortest; end--) candidates.push(word.slice(0, end));
      return candidates;
    }

    /* The longest index term that `word` starts with, cutting at most STEM_CUT letters. */
    longestTermIn(word) {
      for (const prefix of this.stemCandidates(word)) {
        if (this.hasTerm(prefix)) return prefix;
      }
      return '';
    }

    hasTerm(term) {
      return Object.prototype.hasOwnProperty.call(this.index.invertedIndex, term);
    }

    /* The query as searched: a pasted identifier or link as its index term (see ARXIV_ID);
     * else a colon followed by a space, after a word that is not a field or after a space, is
     * punctuation, as in pasted titles ("MossFormer2: Combining ...", "NUPES : Non-Uniform ...");
     * `title: mamba`, `speech:` and `foo:bar` stay syntax. */
    prose(text) {
      const id = identifier(text);
      if (id) return id;
      return text.replace(/(\S+):(?=\s)/g, (all, word) => (this.fields.has(word.toLowerCase()) ? all : word))
        .replace(/(^|\s):(?=\s)/g, '$1');
    }

    /* The clauses of a query in lunr syntax; rejects with a QueryError when lunr.js cannot parse
     * it, when a term is only wildcards (`*`, `title:*`, `-*`): lunr.js would match it with
     * every term of the index, which takes it tens of seconds on a large catalogue (for `+*`
     * and `-*`, minutes) to give every paper, or none; when a term is empty (a lone `\`, which
     * escapes nothing); or when an edit distance is above MAX_EDIT_DISTANCE (seconds, minutes,
     * or more memory than a tab has). */
    parse(query) {
      const parsed = new this.lunr.Query(this.index.fields);
      try {
        new this.lunr.QueryParser(query, parsed).parse();
      } catch (error) {
        throw queryError(error);
      }
      if (parsed.clauses.some((clause) => !clause.term)) {
        throw new QueryError('a backslash needs a character after it');
      }
      if (parsed.clauses.some((clause) => !clause.term.replace(/\*/g, ''))) {
        throw new QueryError('a wildcard needs letters with it');
      }
      if (parsed.clauses.some((clause) => clause.editDistance > MAX_EDIT_DISTANCE)) {
        throw new QueryError('an edit distance of at most ' + MAX_EDIT_DISTANCE + ' is searched');
      }
      return parsed;
    }

    syntaxQuery(query) {
      this.parse(query);
      try {
        return this.index.search(query);
      } catch (error) {
        throw queryError(error);
      }
    }

    /* lunr.js's results for the query text (plain words or lunr syntax). */
    hits(text) {
      return isPlain(text) ? this.plainQuery(text) : this.syntaxQuery(text);
    }
  }

  /* The whole index and every document, loaded at once. */
  class WholeEngine extends Engine {
    constructor(lunr, index, documents) {
      super(lunr, index, Object.keys(documents).length);
      this.docs = documents;
    }

    async search(query) {
      const text = this.prose(String(query || '').trim());
      if (!text) return [];
      const results = [];
      for (const hit of this.hits(text)) {
        const doc = this.docs[hit.ref];
        if (doc) {
          results.push({ ref: hit.ref, score: hit.score, doc, terms: Object.keys(hit.matchData.metadata) });
        }
      }
      return results;
    }

    documents() {
      return Promise.resolve();
    }

    doc(ref) {
      return this.docs[ref];
    }
  }

  /* The index split by term (search/manifest.json): shards loaded as queries need them. */
  class SplitEngine extends Engine {
    constructor(lunr, manifest, base) {
      super(lunr, SplitEngine.emptyIndex(lunr, manifest), manifest.documents);
      this.base = base;
      this.start(manifest);
    }

    static emptyIndex(lunr, manifest) {
      return new lunr.Index({
        invertedIndex: Object.create(null),
        fieldVectors: {},
        tokenSet: new lunr.TokenSet(),
        fields: manifest.fields,
        pipeline: lunr.Pipeline.load(manifest.pipeline),
      });
    }

    start(manifest) {
      this.generation = (this.generation || 0) + 1; // loads of an earlier manifest are dropped
      this.manifest = manifest;
      this.size = manifest.documents;
      this.folder = this.base + 'search/' + manifest.base;
      this.firsts = manifest.shards;
      this.index = SplitEngine.emptyIndex(this.lunr, manifest);
      this.shards = new Map(); // shard number -> Promise, settled once merged into this.index
      this.terms = []; // every term merged so far
      this.refs = []; // document number -> ref (its number in base 36)
      this.termsSorted = true;
      this.canonical = false;
      this.docs = new Map(); // document number -> doc (complete once its chunk arrived)
      this.chunks = new Map(); // chunk number -> Promise
      this.tagTable = null; // Promise<[tags of document 0, ...]>
      this.dictionary = null; // Promise<lunr.TokenSet of every term>
    }

    /* The shard whose range holds `term`: the last whose first term is not after it. */
    shardOf(term) {
      const firsts = this.firsts;
      let low = 0;
      let high = firsts.length;
      while (high - low > 1) {
        const middle = (low + high) >> 1;
        if (firsts[middle] <= term) low = middle;
        else high = middle;
      }
      return low;
    }

    /* The shards holding terms that start with `prefix`. */
    shardsOfPrefix(prefix) {
      const found = [];
      const first = this.shardOf(prefix);
      // Shard k holds [firsts[k], firsts[k + 1]); past the prefix's own shard, a shard holds
      // terms with the prefix exactly when its first term has it.
      for (let k = first; k < this.firsts.length; k++) {
        if (k > first && !this.firsts[k].startsWith(prefix)) break;
        found.push(k);
      }
      return found;
    }

    loadShard(k) {
      let pending = this.shards.get(k);
      if (!pending) {
        const generation = this.generation;
        pending = fetchJSON(this.folder + 't' + k + '.json').then((records) => {
          if (generation !== this.generation) throw new StaleBuild();
          this.merge(records);
        });
        pending.catch(() => this.shards.delete(k));
        this.shards.set(k, pending);
      }
      return pending;
    }

    loadShards(numbers) {
      return Promise.all([...new Set(numbers)].map((k) => this.loadShard(k)));
    }

    /* A shard's terms into this.index: postings keyed by ref as lunr.js keeps them, and each
     * document field's vector entry for the term (the vector stays sorted by term index). */
    merge(records) {
      const lunr = this.lunr;
      const fields = this.index.fields;
      const inverted = this.index.invertedIndex;
      const vectors = this.index.fieldVectors;
      const refs = this.refs;
      for (const record of records) {
        const term = record[0];
        const termIndex = record[1];
        const mask = record[2];
        const posting = { _index: termIndex };
        let at = 3;
        for (let f = 0; f < fields.length; f++) {
          const keyed = {};
          posting[fields[f]] = keyed;
          if (!(mask & (1 << f))) continue;
          const gaps = record[at];
          const scores = record[at + 1];
          at += 2;
          const prefix = fields[f] + '/';
          let doc = 0;
          for (let i = 0; i < gaps.length; i++) {
            doc += gaps[i];
            let ref = refs[doc];
            if (ref === undefined) ref = refs[doc] = doc.toString(36);
            keyed[ref] = NO_METADATA;
            const key = prefix + ref;
            let vector = vectors[key];
            if (vector === undefined) vector = vectors[key] = new lunr.Vector([]);
            vector.insert(termIndex, scores[i] / 1000);
          }
        }
        inverted[term] = posting;
        this.terms.push(term);
        this.termsSorted = false;
      }
    }

    /* The token set of the merged terms, rebuilt when terms were added. */
    refreshTokenSet() {
      if (this.termsSorted) return;
      this.terms.sort();
      const builder = new this.lunr.TokenSet.Builder();
      for (const term of this.terms) builder.insert(term);
      builder.finish();
      this.index.tokenSet = builder.root;
      this.termsSorted = true;
    }

    /* lunr.js lists every field vector for a query of prohibited terms only: give this.index
     * one for every document field, in the whole index's order (document, then field). */
    canonicalVectors() {
      if (this.canonical) return;
      const vectors = this.index.fieldVectors;
      const all = {};
      for (let doc = 0; doc < this.size; doc++) {
        const ref = doc.toString(36);
        for (const field of this.index.fields) {
          const key = field + '/' + ref;
          all[key] = vectors[key] || new this.lunr.Vector([]);
        }
      }
      this.index.fieldVectors = all;
      this.canonical = true;
    }

    loadDictionary() {
      if (!this.dictionary) {
        const generation = this.generation;
        this.dictionary = fetchJSON(this.folder + this.manifest.terms).then((text) => {
          if (generation !== this.generation) throw new StaleBuild();
          const builder = new this.lunr.TokenSet.Builder();
          for (const term of text.split('\n')) builder.insert(term);
          builder.finish();
          return builder.root;
        });
        this.dictionary.catch(() => { this.dictionary = null; });
      }
      return this.dictionary;
    }

    /* Loads what lunr.js reads for this query text; rejects with a QueryError when lunr.js
     * cannot parse it. */
    async prepare(text) {
      const shards = [];
      const expand = []; // clauses that only the dictionary can expand (fuzzy, leading *)
      const plain = isPlain(text);
      const list = plain ? words(text) : [];
      if (plain) {
        for (const word of list) {
          for (const term of this.index.pipeline.runString(word)) shards.push(this.shardOf(term));
          if (this.prefixWord(word)) shards.push(...this.shardsOfPrefix(word));
        }
      } else {
        const query = this.parse(text);
        for (const clause of query.clauses) {
          const terms = clause.usePipeline
            ? this.index.pipeline.runString(clause.term, { fields: clause.fields })
            : [clause.term];
          for (const term of terms) {
            // A clause with an edit distance, even ~0, is a fuzzy string to lunr.js
            // (TokenSet.fromFuzzyString), in which a `*` stands for exactly one character:
            // expanded against the dictionary, as are a leading `*` and a real edit distance.
            const star = term.indexOf('*');
            const fuzzy = 'editDistance' in clause && (clause.editDistance > 0 || star >= 0);
            if (fuzzy || star === 0) expand.push(Object.assign({}, clause, { term }));
            else if (star > 0) shards.push(...this.shardsOfPrefix(term.slice(0, star)));
            else shards.push(this.shardOf(term));
          }
        }
        if (query.isNegated()) this.canonicalVectors();
      }
      if (expand.length) {
        const dictionary = await this.loadDictionary();
        for (const clause of expand) {
          const matches = dictionary.intersect(this.lunr.TokenSet.fromClause(clause)).toArray();
          for (const term of matches) shards.push(this.shardOf(term));
        }
      }
      await this.loadShards(shards);
      if (plain) {
        // longestTermIn looks at the word's own shorter prefixes, longest first, when no term
        // starts with the word: load their shards until one of them is a term.
        for (const word of list) {
          if (!this.prefixWord(word)) continue;
          this.refreshTokenSet();
          if (this.startsTerm(word)) continue;
          for (const candidate of this.stemCandidates(word)) {
            await this.loadShard(this.shardOf(candidate));
            if (this.hasTerm(candidate)) break;
          }
        }
      }
      this.refreshTokenSet();
    }

    doc(ref) {
      return this.docFor(parseInt(ref, 36));
    }

    docFor(number) {
      let doc = this.docs.get(number);
      if (!doc) {
        doc = placeholder();
        this.docs.set(number, doc);
      }
      return doc;
    }

    loadChunk(k) {
      let pending = this.chunks.get(k);
      if (!pending) {
        const chunk = this.manifest.chunk;
        const generation = this.generation;
        const folder = this.manifest.chunkFolders[Math.floor(k / this.manifest.chunkGroup)];
        pending = fetchJSON(this.base + 'search/' + folder + 'd' + k + '.json').then((rows) => {
          if (generation !== this.generation) throw new StaleBuild();
          rows.forEach((row, i) => {
            const doc = this.docFor(k * chunk + i);
            Object.assign(doc, { title: row[0], url: row[1], date: row[2], tags: row[3], snippet: row[4], authors: row[5] || '' });
            doc.complete = true;
          });
        });
        pending.catch(() => this.chunks.delete(k));
        this.chunks.set(k, pending);
      }
      return pending;
    }

    documents(results) {
      const chunk = this.manifest.chunk;
      const wanted = new Set();
      for (const result of results || []) {
        if (!result.doc.complete) wanted.add(Math.floor(parseInt(result.ref, 36) / chunk));
      }
      return Promise.all([...wanted].map((k) => this.loadChunk(k))).then(() => {
        // Results of a build the engine has since left behind (the site changed under the page)
        if ((results || []).some((result) => !result.doc.complete)) throw new StaleBuild();
      });
    }

    loadTags() {
      if (!this.tagTable) {
        const generation = this.generation;
        this.tagTable = fetchJSON(this.folder + this.manifest.tags).then((table) => {
          if (generation !== this.generation) throw new StaleBuild();
          const names = table.tags;
          const width = table.width;
          return table.docs.split(',').map((row) => {
            const tags = [];
            for (let i = 0; i < row.length; i += width) tags.push(names[parseInt(row.slice(i, i + width), 36)]);
            return tags;
          });
        });
        this.tagTable.catch(() => { this.tagTable = null; });
      }
      return this.tagTable;
    }

    async run(text, options) {
      const generation = this.generation;
      const tags = options.tags ? this.loadTags() : null;
      await this.prepare(text);
      if (generation !== this.generation) throw new StaleBuild();
      const results = [];
      for (const hit of this.hits(text)) {
        const doc = this.docFor(parseInt(hit.ref, 36));
        results.push({ ref: hit.ref, score: hit.score, doc, terms: Object.keys(hit.matchData.metadata) });
      }
      const waits = [];
      if (tags) {
        waits.push(tags.then((table) => {
          for (const result of results) {
            if (!result.doc.complete) result.doc.tags = table[parseInt(result.ref, 36)] || [];
          }
        }));
      }
      if (options.documents) waits.push(this.documents(results.slice(0, options.documents)));
      await Promise.all(waits);
      if (generation !== this.generation) throw new StaleBuild();
      return results;
    }

    async search(query, options) {
      const text = this.prose(String(query || '').trim());
      if (!text) return [];
      const used = this.manifest.build;
      try {
        return await this.run(text, options || {});
      } catch (error) {
        if (error instanceof StaleBuild) return this.run(text, options || {});
        if (!(error instanceof MissingFile)) throw error;
        // A file of another build: the manifest was cached longer than the files it names.
        const manifest = await fetchJSON(this.base + 'search/manifest.json', { cache: 'no-cache' });
        if (manifest.build === used) throw error;
        if (manifest.build !== this.manifest.build) this.start(manifest);
        return this.run(text, options || {});
      }
    }
  }

  async function loadSplit(lunrLoaded, base, entry) {
    const [, manifest] = await Promise.all([lunrLoaded, fetchJSON(entry)]);
    if (manifest.layout !== SPLIT_LAYOUT || manifest.format !== SPLIT_FORMAT) {
      throw new Error(entry + ': unknown layout ' + manifest.layout + ' ' + manifest.format);
    }
    return new SplitEngine(globalThis.lunr, manifest, base);
  }

  async function loadWhole(lunrLoaded, base, entry) {
    const [, index, documents] = await Promise.all([
      lunrLoaded,
      fetchJSON(entry),
      fetchJSON(base + 'search/documents.json'),
    ]);
    return new WholeEngine(globalThis.lunr, globalThis.lunr.Index.load(index), documents);
  }

  async function loadHere(options) {
    const base = (options && options.base) || '/';
    const lunrUrl = (options && options.lunrUrl) || (script && script.dataset.lunr) || base + 'assets/js/lunr.min.js';
    const named = (options && options.index) || (script && script.dataset.index);
    const lunrLoaded = loadScript(lunrUrl);
    if (named) {
      const open = /manifest\.json(?:[?#].*)?$/.test(named) ? loadSplit : loadWhole;
      return open(lunrLoaded, base, named);
    }
    try {
      return await loadWhole(lunrLoaded, base, base + 'search/lunr-index.json');
    } catch (error) {
      if (!(error instanceof MissingFile && error.status === 404)) throw error;
      return loadSplit(lunrLoaded, base, base + 'search/manifest.json');
    }
  }

  /* ---- the engine in a Web Worker ---- */

  /* A list's number in `lists`, added if new (results share a few lists of terms or tags). */
  function intern(known, lists, list) {
    const key = list.join('\u0000');
    let number = known.get(key);
    if (number === undefined) {
      number = lists.length;
      lists.push(list);
      known.set(key, number);
    }
    return number;
  }

  function plainDoc(doc) {
    return { title: doc.title, url: doc.url, date: doc.date, tags: doc.tags, snippet: doc.snippet, authors: doc.authors || '' };
  }

  /* The worker's side: one engine, answering the page's messages ({id, op, ...}) with
   * {id, ok, ...} or {id, ok: false, error: {name, message}}. Results travel compactly: refs,
   * scores, and for each result the number of its list of terms (and of tags), the lists once;
   * a complete document is sent once per build of the index (`generation`). */
  function serve() {
    let engine = null;
    let sentGeneration = -1;
    const sent = new Set();

    function pack(results, options) {
      const generation = engine.generation || 0;
      if (generation !== sentGeneration) {
        sent.clear();
        sentGeneration = generation;
      }
      const n = results.length;
      const refs = new Array(n);
      const scores = new Float64Array(n);
      const termLists = [];
      const termKeys = new Map();
      const termOfResult = new Uint32Array(n);
      const tagLists = options.tags ? [] : null;
      const tagKeys = new Map();
      const tagOfResult = options.tags ? new Uint32Array(n) : null;
      const docs = [];
      for (let i = 0; i < n; i++) {
        const result = results[i];
        refs[i] = result.ref;
        scores[i] = result.score;
        termOfResult[i] = intern(termKeys, termLists, result.terms);
        if (tagLists) tagOfResult[i] = intern(tagKeys, tagLists, result.doc.tags || []);
        if (result.doc.complete !== false && !sent.has(result.ref)) {
          sent.add(result.ref);
          docs.push([i, plainDoc(result.doc)]);
        }
      }
      return { generation, size: engine.size, refs, scores, termLists, termOfResult, tagLists, tagOfResult, docs };
    }

    async function answer(message) {
      if (message.op === 'load') {
        engine = await loadHere(message.options);
        return { size: engine.size };
      }
      if (message.op === 'search') {
        return pack(await engine.search(message.query, message.options), message.options || {});
      }
      if (message.op === 'documents') {
        const results = message.refs.map((ref) => ({ ref, doc: engine.doc(ref) }));
        await engine.documents(results);
        for (const result of results) sent.add(result.ref);
        return { docs: results.map((result) => [result.ref, plainDoc(result.doc)]) };
      }
      throw new Error('unknown request ' + message.op);
    }

    self.onmessage = (event) => {
      const message = event.data;
      answer(message).then(
        (reply) => self.postMessage(Object.assign({ id: message.id, ok: true }, reply),
          reply.scores ? [reply.scores.buffer] : []),
        (error) => self.postMessage({
          id: message.id, ok: false,
          error: { name: (error && error.name) || 'Error', message: String((error && error.message) || error) },
        }));
    };
  }

  /* A worker that could not start or run this file: the page runs the engine itself. */
  class WorkerUnavailable extends Error {
    constructor(detail) {
      super('search worker unavailable: ' + detail);
      this.name = 'WorkerUnavailable';
    }
  }

  function errorFrom(data) {
    const error = data.name === 'QueryError' ? new QueryError(data.message) : new Error(data.message);
    error.name = data.name;
    return error;
  }

  /* A result in the page: its `doc` is made when first read (a broad query of a large
   * catalogue has tens of thousands of results, of which a page shows a few). */
  class Hit {
    constructor(owner, ref, score, terms) {
      this.ref = ref;
      this.score = score;
      this.terms = terms;
      this.owner = owner;
      this.found = null;
    }

    get doc() {
      return this.found || (this.found = this.owner.doc(this.ref));
    }
  }

  /* The page's side: the engine's interface, answered by the worker. */
  class WorkerEngine {
    constructor(worker) {
      this.worker = worker;
      this.lunr = null;
      this.cache = new Map();
      this.size = 0;
      this.generation = 0;
      this.docs = new Map(); // ref -> doc, shared by every result that shows the paper
      this.calls = new Map(); // id -> {resolve, reject}
      this.nextId = 1;
      this.running = false; // a search is in the worker
      this.waiting = new Map(); // options key -> the search waiting behind it
      worker.onmessage = (event) => this.settle(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        this.failAll(new WorkerUnavailable(event.message || 'script error'));
      };
    }

    failAll(error) {
      for (const call of this.calls.values()) call.reject(error);
      this.calls.clear();
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    }

    call(message) {
      return new Promise((resolve, reject) => {
        const id = this.nextId++;
        this.calls.set(id, { resolve, reject });
        this.worker.postMessage(Object.assign({ id }, message));
      });
    }

    settle(data) {
      const call = this.calls.get(data.id);
      if (!call) return;
      this.calls.delete(data.id);
      if (data.ok) call.resolve(data);
      else call.reject(errorFrom(data.error));
    }

    termOf(word) {
      return termOf(this.lunr, this.cache, word);
    }

    doc(ref) {
      let doc = this.docs.get(ref);
      if (!doc) {
        doc = placeholder();
        this.docs.set(ref, doc);
      }
      return doc;
    }

    fill(doc, data) {
      Object.assign(doc, data);
      doc.complete = true;
    }

    search(query, options) {
      const key = JSON.stringify([Boolean(options && options.tags), (options && options.documents) || 0]);
      return new Promise((resolve, reject) => {
        const earlier = this.waiting.get(key);
        if (earlier) {
          const error = new Error('a newer search replaced this one');
          error.name = 'Superseded';
          earlier.reject(error);
        }
        this.waiting.set(key, { query, options: options || {}, resolve, reject });
        this.next();
      });
    }

    next() {
      if (this.running || !this.waiting.size) return;
      const [key, request] = this.waiting.entries().next().value;
      this.waiting.delete(key);
      this.running = true;
      this.call({ op: 'search', query: request.query, options: request.options }).then(
        (reply) => request.resolve(this.unpack(reply, request.options)), request.reject,
      ).finally(() => {
        this.running = false;
        this.next();
      });
    }

    unpack(reply, options) {
      if (reply.generation !== this.generation) {
        this.generation = reply.generation;
        this.docs = new Map(); // another build: refs name other papers
      }
      this.size = reply.size;
      const results = reply.refs.map((ref, i) => new Hit(this, ref, reply.scores[i], reply.termLists[reply.termOfResult[i]]));
      for (const [i, data] of reply.docs) this.fill(results[i].doc, data);
      if (options.tags) {
        results.forEach((result, i) => {
          if (!result.doc.complete) result.doc.tags = reply.tagLists[reply.tagOfResult[i]];
        });
      }
      return results;
    }

    async documents(results) {
      const wanted = new Map(); // ref -> the docs of the results that show it
      for (const result of results || []) {
        if (result.doc.complete) continue;
        if (!wanted.has(result.ref)) wanted.set(result.ref, []);
        wanted.get(result.ref).push(result.doc);
      }
      if (!wanted.size) return;
      const reply = await this.call({ op: 'documents', refs: [...wanted.keys()] });
      for (const [ref, data] of reply.docs) {
        for (const doc of wanted.get(ref) || []) this.fill(doc, data);
      }
    }
  }

  function absolute(url) {
    return new URL(url, document.baseURI).href;
  }

  async function loadInWorker(options) {
    const base = absolute((options && options.base) || '/');
    const lunrUrl = absolute((options && options.lunrUrl) || script.dataset.lunr || base + 'assets/js/lunr.min.js');
    const named = (options && options.index) || script.dataset.index;
    let worker;
    try {
      worker = new Worker(script.src);
    } catch (error) {
      throw new WorkerUnavailable(String((error && error.message) || error));
    }
    const engine = new WorkerEngine(worker);
    const lunrLoaded = loadScript(lunrUrl); // termOf, in the page
    lunrLoaded.catch(() => {}); // awaited below, once the worker has answered
    try {
      const reply = await engine.call({ op: 'load', options: { base, lunrUrl, index: named ? absolute(named) : undefined } });
      await lunrLoaded;
      engine.lunr = globalThis.lunr;
      engine.size = reply.size;
      return engine;
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  async function load(options) {
    const wanted = !(options && options.worker === false) && typeof Worker === 'function' && script && script.src;
    if (wanted) {
      try {
        return await loadInWorker(options);
      } catch (error) {
        if (!(error instanceof WorkerUnavailable)) throw error;
      }
    }
    return loadHere(options);
  }

  if (inWorker) serve();
  else window.SiteSearchEngine = Object.freeze({ load, QueryError, isPlain, trim, words, identifier, MAX_EDIT_DISTANCE });
})();
