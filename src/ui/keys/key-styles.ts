import { makeStyles, tokens } from '@fluentui/react-components';

/** The key screens' own pieces; the column layout is the shared useScreenStyles. */
export const useKeyStyles = makeStyles({
  // Six digits large enough to compare across two screens at a glance; wraps rather than scrolls.
  code: {
    display: 'block',
    margin: 0,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero800,
    lineHeight: tokens.lineHeightHero800,
    fontWeight: tokens.fontWeightSemibold,
    letterSpacing: '0.05em',
    overflowWrap: 'anywhere',
  },
  // The recovery code: groups of four, which wrap as whole groups in a 320 px pane.
  groups: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    margin: 0,
    padding: tokens.spacingHorizontalM,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
    userSelect: 'all',
  },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  linkButton: { alignSelf: 'flex-start', textAlign: 'start', height: 'auto', minWidth: 0 },
});
