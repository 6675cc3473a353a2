import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
const tid=randomUUID(); const oids=Array.from({length:50},()=>randomUUID()); const sends=Array.from({length:2000},()=>randomBytes(16));
const sealed=randomBytes(120);
let T0=1764186000000; const evIds=Array.from({length:400*300},()=>{const e=randomBytes(16); e.writeUIntBE(T0++,0,6); return e;});
function run(name, ddl, sql, mk, n=400, R=150){
  rmSync('/tmp/prof/v.sqlite',{force:true});rmSync('/tmp/prof/v.sqlite-wal',{force:true});rmSync('/tmp/prof/v.sqlite-shm',{force:true});
  const db=new Database('/tmp/prof/v.sqlite'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=FULL'); db.exec(ddl);
  const st=db.prepare(sql); let k=0;
  const tx=db.transaction(()=>{for(let i=0;i<n;i++){ const s=k%2000; const a=mk(s,k); k++; st.run(...a);}});
  for(let r=0;r<20;r++)tx();
  const t=process.hrtime.bigint(); for(let r=0;r<R;r++) tx(); const us=Number(process.hrtime.bigint()-t)/1000/R; console.log(name,'n',n,'per tx',us.toFixed(0),'µs; per row',(us/n).toFixed(2)); db.close();
}
const base=`CREATE TABLE events (seq INTEGER PRIMARY KEY, tid TEXT NOT NULL, event_id BLOB NOT NULL, oid TEXT NOT NULL, send_id BLOB NOT NULL, kind TEXT NOT NULL, verdict TEXT, occurred_at INTEGER NOT NULL, sealed BLOB NOT NULL) STRICT;`;
const idx1=`CREATE UNIQUE INDEX events_by_event_id ON events (tid, event_id);`;
const idx2=`CREATE INDEX events_by_user ON events (tid, oid, seq);`;
const ins=`INSERT INTO events (tid, event_id, oid, send_id, kind, verdict, occurred_at, sealed) VALUES (?,?,?,?,?,?,?,?)`;
const mk=(s,k)=>[tid, evIds[k%evIds.length], oids[s%50], sends[s], 'open','human', 1764186000000+k, sealed];
for (const n of [40,400]) {
run('both idx', base+idx1+idx2, ins, mk, n);
run('user idx only', base+idx2, ins, mk, n);
run('no idx', base, ins, mk, n);
}
run('noop stmt (SELECT 1 with 8 params)', base, 'SELECT ?,?,?,?,?,?,?,?', mk, 400);
