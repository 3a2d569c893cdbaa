/**
 * `/host_rrds` and `/vm_rrds`: a whole RRD in xapi's dump format (Rrd.xml_to_output, modelled on `rrdtool dump`):
 * the data sources, then every archive with its rows oldest first. XenCenter reads this once before polling
 * rrd_updates.
 */
import { ARCHIVE_LEVELS, lastPdpTime } from './archives';
import { exportEntities, type RrdEntity } from './rrd-export';
import { formatRrdFloat } from './xport-writer';

export function rrdDumpXml(entity: RrdEntity, nowSec: number): string {
  const last = lastPdpTime(nowSec);
  const parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?><rrd><version>0003</version><step>5</step>', `<lastupdate>${last}</lastupdate>`];
  const latest = entity.averageRow(0, last / 5 - 1);
  entity.names.forEach((name, i) => {
    const v = formatRrdFloat(latest[i]);
    parts.push(
      `<ds><name>${name}</name><type>GAUGE</type><minimal_heartbeat>300.0000</minimal_heartbeat><min>0.0</min><max>Infinity</max>` +
        `<last_ds>${v}</last_ds><value>0.0</value><unknown_sec>0</unknown_sec></ds>`,
    );
  });
  for (const archive of ARCHIVE_LEVELS) {
    for (const cf of archive.cfs) {
      // Every row the archive holds: start just after its oldest row.
      const u = exportEntities([entity], nowSec, last - archive.step * archive.rows + 1, archive.step, cf);
      parts.push(`<rra><cf>${cf}</cf><pdp_per_row>${archive.pdpPerRow}</pdp_per_row><params><xff>0.5000</xff></params><cdp_prep>`);
      for (let i = 0; i < entity.names.length; i++) {
        parts.push('<ds><primary_value>0.0</primary_value><secondary_value>0.0</secondary_value><value>0.0</value><unknown_datapoints>0</unknown_datapoints></ds>');
      }
      parts.push('</cdp_prep><database>');
      for (let r = u.times.length - 1; r >= 0; r--) {
        let row = '<row>';
        for (const col of u.columns) row += `<v>${formatRrdFloat(col[r])}</v>`;
        parts.push(row + '</row>');
      }
      parts.push('</database></rra>');
    }
  }
  parts.push('</rrd>');
  return parts.join('');
}
