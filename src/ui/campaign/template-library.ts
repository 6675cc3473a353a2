import type { SavedTemplate, TemplateLibrary } from './runtime';

const KEY = 'candor.templates.v1';

/**
 * Saved templates on this device (localStorage): the recruiter's own wording, no prospect data.
 * A damaged entry is ignored rather than breaking the screen.
 */
export function localTemplateLibrary(storage: Pick<Storage, 'getItem' | 'setItem'>): TemplateLibrary {
  const read = (): SavedTemplate[] => {
    try {
      const value = JSON.parse(storage.getItem(KEY) ?? '[]') as unknown;
      return Array.isArray(value)
        ? value.filter(
            (t): t is SavedTemplate =>
              typeof t?.name === 'string' && typeof t.subject === 'string' && typeof t.html === 'string',
          )
        : [];
    } catch {
      return [];
    }
  };
  const write = (list: SavedTemplate[]) => storage.setItem(KEY, JSON.stringify(list));
  return {
    list: read,
    save(template) {
      write([...read().filter((t) => t.name !== template.name), template]);
    },
    remove(name) {
      write(read().filter((t) => t.name !== name));
    },
  };
}
