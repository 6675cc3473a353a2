import { makeStyles, tokens } from '@fluentui/react-components';
import { useLayoutEffect, useRef, type ReactNode } from 'react';

const useStyles = makeStyles({
  heading: {
    margin: `0 0 ${tokens.spacingVerticalM}`,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
});

/**
 * A screen's h1. It takes focus when the screen opens (unless it is the first screen), so keyboard
 * and screen-reader users land at the top of the new content after in-memory navigation.
 */
export function ScreenHeading({
  id,
  children,
  focusOnMount = true,
}: {
  id: string;
  children: ReactNode;
  focusOnMount?: boolean;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  // Layout effect: focus moves in the same commit as the screen appears, before anyone can type.
  useLayoutEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <h1 id={id} ref={ref} tabIndex={-1} className={useStyles().heading}>
      {children}
    </h1>
  );
}
