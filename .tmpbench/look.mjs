import Database from 'better-sqlite3';
const db=new Database('/tmp/prof/bench.sqlite'); db.pragma('journal_mode=WAL');
const ids=db.prepare('SELECT send_id FROM sends').raw().all().map(r=>r[0]);
const join=db.prepare(`SELECT s.tid, s.send_id, s.oid, s.campaign_id, s.track_opens, s.created_at,
      u.key_id, u.key_format, u.key_material, u.key_updated_at, t.contract_ends_at
    FROM sends s JOIN users u ON u.tid = s.tid AND u.oid = s.oid JOIN tenants t ON t.tid = s.tid
    WHERE s.send_id = ?`);
const N=100000; let t=process.hrtime.bigint(); for(let i=0;i<N;i++) join.get(ids[i%ids.length]); console.log('join', Number(process.hrtime.bigint()-t)/N/1000);
console.log(db.prepare('EXPLAIN QUERY PLAN '+join.source).all());
