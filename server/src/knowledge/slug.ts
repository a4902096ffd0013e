/**
 * Heading slugs the way GitHub makes anchors (lowercase, punctuation dropped, spaces to `-`), so
 * an entry id like `en/returns.md#how-do-i-return-an-item` also names the section on a rendered
 * page. Letters of every script survive: `退款多久到账？` → `退款多久到账`.
 */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
  return slug || 'section';
}

export interface Slugger {
  /** A unique slug for `text`: the second `faq` becomes `faq-2`, the third `faq-3`. */
  slug(text: string): string;
  /** Reserves an id given verbatim; false when it is already taken. */
  claim(id: string): boolean;
}

/** Unique ids within one file. */
export function createSlugger(): Slugger {
  const seen = new Set<string>();
  return {
    slug(text) {
      const base = slugify(text);
      let slug = base;
      for (let n = 2; seen.has(slug); n++) slug = `${base}-${n}`;
      seen.add(slug);
      return slug;
    },
    claim(id) {
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    },
  };
}
