// Field text: HTML stripped, entities decoded, words found with offsets, case and accents folded.
import { describe, expect, it } from 'vitest';
import { fieldText, fold, tokens } from '../../src/rules/text.ts';

describe('fieldText', () => {
  it('gives the stripped text of an item field, or "" when the field is absent', () => {
    const item = { id: '1', title: '<b>Jail</b> news', url: 'https://x.test/a' };
    expect(fieldText(item, 'title')).toBe('Jail news');
    expect(fieldText(item, 'summary')).toBe('');
    expect(fieldText(item, 'url')).toBe('https://x.test/a');
  });
});

describe('tokens and fold', () => {
  it('splits at anything but letters, digits and combining marks', () => {
    expect(tokens("The prisoner's ex-offender status, 2,000 £5bn")).toEqual(['The', 'prisoner', 's', 'ex', 'offender', 'status', '2', '000', '5bn']);
    expect(tokens('Cafe\u0301 naïve')).toEqual(['Cafe\u0301', 'naïve']);
  });

  it('folds case and accents', () => {
    expect(fold('PRISON')).toBe('prison');
    expect(fold('Café')).toBe('cafe');
    expect(fold('Cafe\u0301')).toBe('cafe');
    expect(fold('Straße')).toBe('strasse');
    expect(fold('Øresund')).toBe('oresund');
  });
});
