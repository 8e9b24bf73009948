"""The app's stylesheet (a Python string so it ships inside the package, whatever the install method)."""

CSS = """
:root {
  --vb-accent: #b91c1c;
  --vb-accent-soft: #fef2f2;
  --vb-mark: #fde68a;
  --vb-mark-text: #1f2937;
  --vb-cited: #fef08a;
  --vb-cited-line: #ca8a04;
  --vb-warn: #b45309;
  --vb-warn-soft: #fffbeb;
  --vb-card: #ffffff;
  --vb-quote: #f8fafc;
}
.dark {
  --vb-accent: #f87171;
  --vb-accent-soft: #2a1515;
  --vb-mark: #a16207;
  --vb-mark-text: #fffbeb;
  --vb-cited: #854d0e;
  --vb-cited-line: #facc15;
  --vb-warn: #fbbf24;
  --vb-warn-soft: #2a2112;
  --vb-card: #111827;
  --vb-quote: #0f172a;
}
.gradio-container { max-width: 1280px !important; margin: 0 auto !important;
  overflow-x: clip !important; overflow-y: visible !important; }  /* "hidden" would stop the source panel sticking */

/* header */
.vb-header { padding: 6px 2px 4px; border-left: 5px solid var(--vb-accent); padding-left: 14px; margin: 4px 0 2px; }
.vb-header .vb-kicker { text-transform: uppercase; letter-spacing: .06em; font-size: 12px; font-weight: 600;
  color: var(--vb-accent); }
.vb-header h1 { font-size: 26px; line-height: 1.25; margin: 2px 0 4px; font-weight: 700; }
.vb-header p { margin: 0; color: var(--body-text-color-subdued); font-size: 15px; }

/* ask row and example chips */
#vb-question textarea, #vb-cmp-topic textarea { font-size: 17px !important; padding: 12px 14px !important;
  border: 1px solid var(--border-color-primary) !important; border-radius: 10px !important; }
#vb-question textarea:focus, #vb-cmp-topic textarea:focus { border-color: var(--vb-accent) !important; box-shadow: 0 0 0 2px var(--vb-accent-soft); }
#vb-ask, #vb-cmp-go { font-size: 16px; }
#vb-examples, .vb-examples { gap: 6px !important; align-items: center; flex-wrap: wrap; }
#vb-examples::before, .vb-examples::before { content: "Gợi ý:"; font-size: 14px; color: var(--body-text-color-subdued); margin-right: 2px; }
.vb-chip { flex: 0 1 auto !important; width: auto !important; max-width: 100%; border-radius: 999px !important;
  font-weight: 500 !important; white-space: normal !important; text-align: left; }

/* answer */
.vb-answer, .vb-message, .vb-welcome { border-radius: 10px; padding: 14px 18px; margin: 4px 0 12px; }
.vb-answer { background: var(--vb-accent-soft); border-left: 4px solid var(--vb-accent); }
.vb-answer.vb-abstain { background: var(--vb-warn-soft); border-left-color: var(--vb-warn); }
.vb-answer-label { font-size: 13px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em;
  color: var(--vb-accent); margin-bottom: 4px; }
.vb-abstain .vb-answer-label, .vb-message .vb-answer-label { color: var(--vb-warn); }
.vb-answer-text { font-size: 17px; line-height: 1.65; margin: 0; }
.vb-answer-note { font-size: 13px; color: var(--body-text-color-subdued); margin: 6px 0 0; }
.vb-message { background: var(--vb-warn-soft); border-left: 4px solid var(--vb-warn); }
.vb-message p { margin: 0; font-size: 16px; }
.vb-welcome { border: 1px dashed var(--border-color-primary); }
.vb-welcome p { margin: 0 0 6px; line-height: 1.6; }
.vb-subtle { color: var(--body-text-color-subdued); font-size: 14px; }
.vb-cite { display: inline-block; border: 0; background: var(--vb-accent); color: #fff; border-radius: 5px;
  font-size: 12px; font-weight: 700; line-height: 1; padding: 3px 5px; margin: 0 2px; cursor: pointer;
  vertical-align: 2px; }
.vb-cite:hover, .vb-cite:focus-visible { filter: brightness(1.15); outline: 2px solid var(--vb-accent); outline-offset: 1px; }
.vb-sources-title { font-size: 15px !important; font-weight: 700; margin: 18px 0 6px !important;
  color: var(--body-text-color-subdued); text-transform: uppercase; letter-spacing: .04em; }

/* passage cards */
.vb-card { background: var(--vb-card); border: 1px solid var(--border-color-primary); border-radius: 10px;
  padding: 12px 16px; margin: 0 0 12px; scroll-margin: 80px; }
.vb-card.vb-active { border-color: var(--vb-accent); box-shadow: 0 0 0 1px var(--vb-accent); }
.vb-card.vb-flash { animation: vb-flash 1.6s ease-out; }
@keyframes vb-flash { 0% { box-shadow: 0 0 0 4px var(--vb-cited-line); } 100% { box-shadow: 0 0 0 0 transparent; } }
.vb-not-answer { display: inline-block; font-size: 12px; font-weight: 700; color: var(--vb-warn);
  border: 1px solid var(--vb-warn); border-radius: 999px; padding: 1px 8px; margin-bottom: 6px; }
.vb-card-head, .vb-source-head { display: flex; gap: 8px; align-items: baseline; }
.vb-n { font-weight: 800; color: var(--vb-accent); flex: 0 0 auto; }
.vb-title { font-weight: 650; line-height: 1.4; }
.vb-meta { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 13.5px; color: var(--body-text-color-subdued);
  margin: 4px 0 2px; }
.vb-file { font-size: 13px; font-variant-numeric: tabular-nums; }
.vb-section { font-size: 13.5px; color: var(--body-text-color-subdued); margin: 2px 0; }
.vb-k { font-weight: 600; }
.vb-passage { white-space: pre-wrap; line-height: 1.65; margin: 8px 0 !important; padding: 10px 14px !important;
  background: var(--vb-quote); border-left: 3px solid var(--border-color-primary) !important; border-radius: 6px;
  font-size: 15.5px; font-style: normal !important; color: var(--body-text-color) !important; quotes: none; }
.vb-passage::before, .vb-passage::after { content: none !important; }
.vb-restored-label { display: inline-block; margin-top: 6px; font-size: 12.5px; font-weight: 600; color: var(--vb-accent);
  border: 1px dashed var(--vb-accent); border-radius: 5px; padding: 1px 7px; }
.vb-passage.vb-restored { border-left-style: dashed !important; }
.vb-raw summary { cursor: pointer; font-size: 13px; color: var(--body-text-color-subdued); }
.vb-result mark, .vb-source mark { background: var(--vb-mark); color: var(--vb-mark-text); padding: 0 2px; border-radius: 3px; }
.vb-card-foot { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 16px; font-size: 13px;
  color: var(--body-text-color-subdued); }
.vb-pos { font-variant-numeric: tabular-nums; }
.vb-open { margin-left: auto; border: 1px solid var(--vb-accent); color: var(--vb-accent); background: transparent;
  border-radius: 7px; padding: 5px 12px; font-size: 14px; font-weight: 600; cursor: pointer; }
.vb-open:hover, .vb-open:focus-visible { background: var(--vb-accent); color: #fff; }
#vb-export, .vb-export { gap: 8px; justify-content: flex-end; margin-bottom: -6px; }
#vb-export button, .vb-export button { flex: 0 0 auto !important; }

/* source view */
.vb-source-col { position: sticky; top: 10px; align-self: flex-start; border: 1px solid var(--border-color-primary);
  border-radius: 12px; padding: 10px 14px 14px; background: var(--vb-card); }
.vb-source-bar { align-items: center; }
.vb-source-close { border: 1px solid var(--border-color-primary) !important; border-radius: 7px !important;
  padding: 4px 12px !important; flex: 0 0 auto !important; }
.vb-source-label { font-size: 13px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em;
  color: var(--body-text-color-subdued); }
.vb-source-text { position: relative; white-space: pre-wrap; overflow-wrap: anywhere;
  max-height: max(240px, calc(100vh - 330px));
  overflow-y: auto; margin-top: 10px; padding: 12px 14px; line-height: 1.7; font-size: 15px;
  background: var(--vb-quote); border-radius: 8px; border: 1px solid var(--border-color-primary); }
.vb-source mark.vb-cited { background: var(--vb-cited); box-shadow: inset 0 -2px 0 var(--vb-cited-line); padding: 1px 0; }

/* comparison: the periods side by side (the table scrolls sideways on a narrow screen) */
.vb-cmp-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 4px 0 8px;
  border: 1px solid var(--border-color-primary); border-radius: 10px; width: 0; min-width: 100%; }
/* (width 0, min-width 100%: the table's own width never widens the page; it scrolls inside) */
.vb-cmp-table { border-collapse: collapse; width: 100%; min-width: 640px; font-size: 15px; line-height: 1.5; }
.vb-cmp-table, .vb-cmp-table thead, .vb-cmp-table tbody, .vb-cmp-table tr { border: 0 !important; margin: 0 !important; }
.vb-cmp-table th, .vb-cmp-table td { padding: 8px 12px !important; text-align: left; vertical-align: top;
  border: 0 !important; border-bottom: 1px solid var(--border-color-primary) !important; }
.vb-cmp-table thead th { font-size: 13px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em;
  color: var(--body-text-color-subdued); background: var(--background-fill-secondary); }
.vb-cmp-table tbody tr:last-child > * { border-bottom: 0 !important; }
.vb-cmp-period { white-space: nowrap; font-weight: 700; color: var(--vb-accent); }
.vb-cmp-table td:nth-child(2) { min-width: 150px; }
.vb-cmp-gist { min-width: 240px; }
.vb-cmp-table ul { margin: 0; padding: 0; list-style: none; }
.vb-cmp-table li { margin: 0 0 3px; }
.vb-cmp-src li { font-size: 13.5px; color: var(--body-text-color-subdued); }
.vb-cmp-none .vb-cmp-period, .vb-cmp-missing { color: var(--body-text-color-subdued) !important; font-style: italic; }
.vb-cmp-none { background: var(--background-fill-secondary); }
.vb-cmp-group .vb-cmp-missing { margin: 0 0 12px; }

/* documents tab */
#vb-docs-table, #vb-docs-table table, #vb-docs-table th, #vb-docs-table td, #vb-docs-table span,
#vb-docs-table input { font-family: var(--font) !important; }
.vb-summary { font-size: 17px; margin: 4px 0 2px; }
.vb-docs-help { margin: 2px 0 0; line-height: 1.55; }
#vb-upload-col { justify-content: center; }
.vb-status ul { list-style: none; padding: 0; margin: 6px 0; }
.vb-status li { display: flex; gap: 10px; align-items: baseline; padding: 6px 10px; border-radius: 8px; margin: 4px 0;
  line-height: 1.5; }
.vb-st-icon { font-weight: 800; flex: 0 0 auto; width: 1.1em; text-align: center; }
.vb-st-ok { background: #ecfdf5; color: #065f46; }
.vb-st-info { background: var(--background-fill-secondary); }
.vb-st-warn { background: var(--vb-warn-soft); color: var(--vb-warn); }
.vb-st-error { background: #fef2f2; color: #991b1b; }
.dark .vb-st-ok { background: #052e1f; color: #6ee7b7; }
.dark .vb-st-error { background: #2a1515; color: #fca5a5; }

@media (max-width: 720px) {
  .vb-header h1 { font-size: 22px; }
  .vb-header p { font-size: 14px; }
  .vb-card { padding: 10px 12px; }
  .vb-open { margin-left: 0; width: 100%; }
  .vb-source-col { position: static; }
  .vb-cmp-table { font-size: 14px; }
  .vb-source-text { max-height: 60vh; }
}
"""
