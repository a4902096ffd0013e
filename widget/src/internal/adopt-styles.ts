/**
 * Adds `rules` to a shadow root: a constructed stylesheet, which a site's strict `style-src`
 * allows, or a <style> element where the browser cannot construct one (older Safari).
 */
export function adoptStyles(root: ShadowRoot, rules: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(rules);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = rules;
    root.append(style);
  }
}
