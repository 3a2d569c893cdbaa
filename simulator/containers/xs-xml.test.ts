/** xscontainer's converttoxml as Python 2.7's minidom prints it: the cases its own tests pin, and its escaping. */
import { describe, expect, it } from 'vitest';
import { convertToXml } from './xs-xml';

describe('convertToXml', () => {
  it('writes lists as <item> elements after the declaration, with no whitespace (xscontainer test_nested_list_convert)', () => {
    expect(convertToXml('ports', [{ IP: '0.0.0.0' }, { IP: '0.0.0.1' }])).toBe('<?xml version="1.0" ?><ports><item><IP>0.0.0.0</IP></item><item><IP>0.0.0.1</IP></item></ports>');
  });

  it("escapes text twice (saxutils.escape, then minidom's own), attributes once", () => {
    expect(convertToXml('x', { command: 'make && make test > log "quoted"' })).toBe('<?xml version="1.0" ?><x><command>make &amp;amp;&amp;amp; make test &amp;gt; log &quot;quoted&quot;</command></x>');
    expect(convertToXml('x', { 'a&b/c': 1 })).toBe('<?xml version="1.0" ?><x><SPECIAL_XS_ENCODED_ELEMENT name="a&amp;b/c">1</SPECIAL_XS_ENCODED_ELEMENT></x>');
  });

  it('puts keys that are not XML names in SPECIAL_XS_ENCODED_ELEMENT', () => {
    const xml = convertToXml('x', { '80/tcp': {}, '9abc': 'd', '.hidden': 'e', ':colon': 'f', '!bang': 'g', '?q': 'h', XMLish: 'i', 'com.docker.compose.project': 'j' });
    expect(xml).toBe('<?xml version="1.0" ?><x><SPECIAL_XS_ENCODED_ELEMENT name="80/tcp"/><SPECIAL_XS_ENCODED_ELEMENT name="9abc">d</SPECIAL_XS_ENCODED_ELEMENT>'
      + '<SPECIAL_XS_ENCODED_ELEMENT name=".hidden">e</SPECIAL_XS_ENCODED_ELEMENT><SPECIAL_XS_ENCODED_ELEMENT name=":colon">f</SPECIAL_XS_ENCODED_ELEMENT>'
      + '<SPECIAL_XS_ENCODED_ELEMENT name="!bang">g</SPECIAL_XS_ENCODED_ELEMENT><SPECIAL_XS_ENCODED_ELEMENT name="?q">h</SPECIAL_XS_ENCODED_ELEMENT>'
      + '<SPECIAL_XS_ENCODED_ELEMENT name="XMLish">i</SPECIAL_XS_ENCODED_ELEMENT><com.docker.compose.project>j</com.docker.compose.project></x>');
  });

  it("writes Python's str() of values, <x/> for empty containers and <x></x> for an empty string", () => {
    expect(convertToXml('x', { t: true, f: false, n: null, i: 42, e: '', l: [], d: {}, nested: [[1, 2]] }))
      .toBe('<?xml version="1.0" ?><x><t>True</t><f>False</f><n>None</n><i>42</i><e></e><l/><d/><nested><item><item>1</item><item>2</item></item></nested></x>');
    expect(convertToXml('docker_ps', [])).toBe('<?xml version="1.0" ?><docker_ps/>');
  });
});
