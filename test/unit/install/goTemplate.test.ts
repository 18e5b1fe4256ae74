import { parse } from 'yaml';
import { TemplateError, TemplateSet } from './goTemplate';

/** Expected outputs below were produced by `helm template` (v3.17) from the same templates. */
function render(source: string, values: Record<string, unknown> = {}, defines = ''): string {
  const set = new TemplateSet();
  if (defines) set.add('_helpers.tpl', defines);
  set.add('t.yaml', source);
  return set.render('t.yaml', { Values: values, Release: { Name: 'r', Namespace: 'ns' } });
}

describe('the Go template subset used to render the chart in tests', () => {
  it('prints numbers from values as Go float64 does, and integers from int64 in full', () => {
    const nums = [8080, 25000, 999999, 1000000, 16777216, 0.5, 0.0001, 0.00001, 1234567.5, -2000000, 0];
    expect(render('{{ range .Values.nums }}{{ . }};{{ end }}', { nums })).toBe('8080;25000;999999;1e+06;1.6777216e+07;0.5;0.0001;1e-05;1.2345675e+06;-2e+06;0;');
    expect(render('{{ .Values.n | int64 | quote }} {{ int64 .Values.n }}', { n: 16777216 })).toBe('"16777216" 16777216');
  });

  it('prints missing values as empty, but fails on a field of a missing map', () => {
    expect(render('[{{ .Values.missing }}]|{{ toYaml .Values.missing }}')).toBe('[]|null');
    expect(() => render('{{ .Values.missing.key }}')).toThrow(/nil pointer evaluating interface \{\}\.key/);
  });

  it('trims whitespace around {{- and -}}, including newlines', () => {
    expect(render('a:\n  {{- if true }}\n  b: 1\n  {{- end }}\nc: 2\n')).toBe('a:\n  b: 1\nc: 2\n');
    expect(render('x  {{- /* comment */ -}}  \n  y')).toBe('xy');
  });

  it('evaluates and/or like Go: lazily, returning the deciding operand', () => {
    expect(render('{{ and 1 0 "x" }}|{{ or 0 "" "y" }}|{{ and 1 2 }}|{{ and false .Values.nope.deeper }}')).toBe('0|y|2|false');
  });

  it('implements the Sprig functions the chart uses with their argument order', () => {
    expect(render('{{ default "d" "" }}|{{ default "d" 0 }}|{{ default "d" false }}|{{ "v" | default "d" }}')).toBe('d|d|d|v');
    expect(render('{{ quote "a\\"b" nil "c" }}|{{ trunc 3 "abcdef" }}|{{ trunc -2 "abcdef" }}|{{ indent 2 "a b" }}|{{ upper "http" }}')).toBe('"a\\"b" "c"|abc|ef|  a b|HTTP');
    expect(render('{{ printf "%v/%s/%d" 80.0 "x" 5 }} {{ len "abc" }} {{ add 1 2 }} {{ div 25000 1000 }}')).toBe('80/x/5 3 3 25');
    expect(render('{{ ternary "https" "http" true }}{{ ternary "https" "http" false }}|{{ "a+b" | replace "+" "_" }}|{{ "ab-" | trimSuffix "-" }}')).toBe('httpshttp|a_b|ab');
    expect(render('{{ "token" | b64enc }}|{{ "x" | sha256sum }}')).toBe('dG9rZW4=|2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    // toYaml lays out differently from Helm's (key order, list indentation) but means the same.
    expect(parse(render('m:{{- toYaml .Values.m | nindent 2 }}', { m: { b: 1, a: [true] } }))).toEqual({ m: { b: 1, a: [true] } });
  });

  it('ranges over maps in key order and binds $ to the root inside with and range', () => {
    expect(render('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }},{{ end }}', { m: { b: 1, a: 2 } })).toBe('a=2,b=1,');
    expect(render('{{ with .Values.a }}{{ .x }}-{{ $.Release.Name }}{{ end }}', { a: { x: 'X' } })).toBe('X-r');
    expect(render('{{ with .Values.none }}yes{{ else }}no{{ end }}')).toBe('no');
    expect(render('{{ if eq 1 2 }}a{{ else if .Values.b }}b{{ else }}c{{ end }}', { b: true })).toBe('b');
  });

  it('includes defined templates with their own dot and $', () => {
    const defines = '{{- define "name" -}}{{ .Release.Name }}-{{ $.Release.Namespace }}{{- end -}}';
    expect(render('n: {{ include "name" . }}', {}, defines)).toBe('n: r-ns');
  });

  it('stops with the message of required and fail', () => {
    expect(() => render('{{ required "x is required" .Values.x }}')).toThrow(new TemplateError('x is required'));
    expect(() => render('{{ fail "no" }}')).toThrow(new TemplateError('no'));
    expect(render('{{ required "x" .Values.x }}', { x: 0 })).toBe('0');
  });

  it('refuses what it does not implement instead of guessing', () => {
    expect(() => render('{{ lookup "v1" "Secret" "ns" "name" }}')).toThrow(/function "lookup" is not supported/);
    expect(() => render('{{ block "x" . }}{{ end }}')).toThrow(/"block" is not supported/);
    expect(() => render('{{ if true }}')).toThrow(/if without end/);
    expect(() => render('{{ .Values.m }}', { m: { a: 1 } })).toThrow(/printing a map/);
  });
});
