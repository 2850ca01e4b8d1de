// Light or dark: the system's choice (prefers-color-scheme) unless the
// person picked one with the header's toggle, remembered in localStorage
// (a preference, no secret).
const KEY = 'pit-theme';
const ORDER = ['auto', 'dark', 'light'] as const;
type Theme = (typeof ORDER)[number];

function apply(theme: Theme, button: HTMLButtonElement): void {
  if (theme === 'auto') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = theme;
  button.textContent = `theme: ${theme}`;
  button.setAttribute('aria-label', `colour theme: ${theme}; press to change`);
}

/** Wire the toggle: auto → dark → light → auto. */
export function mountTheme(button: HTMLButtonElement): void {
  let theme = (localStorage.getItem(KEY) as Theme | null) ?? 'auto';
  if (!ORDER.includes(theme)) theme = 'auto';
  apply(theme, button);
  button.onclick = () => {
    theme = ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
    localStorage.setItem(KEY, theme);
    apply(theme, button);
  };
}
