import { createTheme, defaultVariantColorsResolver, NavLink, type CSSVariablesResolver, type VariantColorsResolver } from '@mantine/core';

/**
 * Text on light and outlined surfaces uses shade 9 of its colour on shade 0: Mantine's
 * defaults (shade 6 text, shade 1 background) are about 3:1, below WCAG AA's 4.5:1.
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const base = defaultVariantColorsResolver(input);
  const color = input.color ?? input.theme.primaryColor;
  if (!(color in input.theme.colors)) return base;
  const text = `var(--mantine-color-${color}-9)`;
  const pale = `var(--mantine-color-${color}-0)`;
  if (input.variant === 'light') return { ...base, color: text, background: pale, hover: pale, hoverColor: text };
  if (input.variant === 'subtle') return { ...base, color: text, hover: pale, hoverColor: text };
  if (input.variant === 'outline')
    return { ...base, color: `var(--mantine-color-${color}-9)`, border: `1px solid var(--mantine-color-${color}-9)` };
  return base;
};

export const theme = createTheme({
  primaryColor: 'teal',
  // teal 9 (#087f5b) gives 5:1 against white, for links and for white text on buttons.
  primaryShade: 9,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  defaultRadius: 'sm',
  variantColorResolver,
  components: {
    NavLink: NavLink.extend({
      vars: () => ({
        root: {
          '--nl-bg': 'var(--mantine-color-teal-0)',
          '--nl-hover': 'var(--mantine-color-teal-0)',
          '--nl-color': 'var(--mantine-color-teal-9)',
        },
        children: {},
      }),
    }),
  },
});

/** Dimmed text, errors and placeholders dark enough to read (AA contrast). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
  },
  dark: {},
});
