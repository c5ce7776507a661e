export {
  escapeHtml,
  highlightAll,
  highlightExcerpt,
  matchRanges,
  SNIPPET_CHARS,
  searchTerms,
} from './snippet.js';
