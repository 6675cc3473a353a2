import { Button } from '@fluentui/react-components';
import { useState } from 'react';
import { useScreenStyles } from '../components/screen-styles';
import { downloadText } from '../report/download';
import { useKeyStyles } from './key-styles';

const FILE_TEXT = (code: string) =>
  [
    'Candor recovery code',
    '',
    code,
    '',
    'Enter this code in Candor on a new device to open your tracking data (campaigns, opens, replies).',
    'Keep it somewhere safe, away from your computer: a password manager or a printed copy.',
    'Candor cannot show it again or recover it for you.',
    '',
  ].join('\r\n');

/** The recovery code, shown once: groups of four, Copy, and Download as a .txt file. */
export function RecoveryCodeView({ code }: { code: string }) {
  const styles = useScreenStyles();
  const keyStyles = useKeyStyles();
  const [notice, setNotice] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setNotice('Copied. Paste it into your password manager now.');
    } catch {
      setNotice('This browser did not allow copying. Select the code and copy it, or download it as a file.');
    }
  };
  return (
    <>
      <p className={styles.text}>
        This is your recovery code. <strong>Candor shows it only this once.</strong> Save it in your password
        manager, or download it and keep the file somewhere safe.
      </p>
      <p className={keyStyles.groups} aria-label={`Recovery code ${code.split('-').join(' ')}`}>
        {code.split('-').map((group, i) => (
          <span key={i}>{group}</span>
        ))}
      </p>
      <div className={styles.actions}>
        <Button onClick={() => void copy()}>Copy</Button>
        <Button
          onClick={() =>
            downloadText('candor-recovery-code.txt', FILE_TEXT(code), 'text/plain;charset=utf-8')
          }
        >
          Download as .txt
        </Button>
      </div>
      <p role="status" className={styles.text}>
        {notice}
      </p>
    </>
  );
}
