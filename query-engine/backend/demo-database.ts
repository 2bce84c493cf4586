/**
 * The tables of the demo catalog's `postgres` sources (`shared/demo/catalog.ts`: `hr_data`,
 * `customers`, `orders` in database `warden`) with a few dozen rows, for the embedded backend
 * `npm start` runs when no `WARDEN_QUERY_BACKEND_URL` is set. The rows are data, kept in
 * `demo-rows.json`: employees `[id, first, last, ssn, dept, salary, country]`, customers
 * `[id, name, address, country]`.
 */
import { z } from 'zod';
import rows from './demo-rows.json' with { type: 'json' };

const text = z.string();
const EMPLOYEES = z.array(z.tuple([z.number(), text, text, text, text, z.number(), text])).parse(rows.employees);
const CUSTOMERS = z.array(z.tuple([z.number(), text, text, text])).parse(rows.customers);
const REGIONS = ['Ohio', 'Michigan', 'Indiana', 'Ohio', 'Ohio', 'Michigan', 'Indiana', 'Ile-de-France'];

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The SQL that creates and fills the demo tables (values from `demo-rows.json`). */
export function demoDatabaseSql(): string {
  const employees = EMPLOYEES.map(
    ([id, first, last, ssn, dept, salary, country]) =>
      `(${id}, ${q(first)}, ${q(last)}, ${q(`${first.toLowerCase()}.${last.toLowerCase()}@example.com`)}, ${q(ssn)}, ${q(dept)}, ${salary}, ${q(country)})`,
  );
  const customers = CUSTOMERS.map(([id, name, address, country]) => `(${id}, ${q(name)}, ${q(`contact@${name.toLowerCase().replaceAll(' ', '')}.example`)}, ${q(address)}, ${q(country)})`);
  const orders = Array.from({ length: 24 }, (_, i) => {
    const customer = (i % CUSTOMERS.length) + 1;
    return `(${i + 1}, ${customer}, ${q(REGIONS[customer - 1]!)}, ${(((i * 37) % 90) + 10) * 25})`;
  });
  return [
    'CREATE SCHEMA hr',
    'CREATE TABLE hr.employees (id integer PRIMARY KEY, first_name varchar, last_name varchar, email varchar, ssn varchar, dept varchar, salary numeric, country varchar)',
    `INSERT INTO hr.employees VALUES ${employees.join(', ')}`,
    'CREATE SCHEMA crm',
    'CREATE TABLE crm.customers (id integer PRIMARY KEY, name varchar, email varchar, address varchar, country varchar)',
    `INSERT INTO crm.customers VALUES ${customers.join(', ')}`,
    'CREATE TABLE crm.orders (id integer PRIMARY KEY, customer_id integer REFERENCES crm.customers, region varchar, amount numeric)',
    `INSERT INTO crm.orders VALUES ${orders.join(', ')}`,
    'CREATE TABLE public.regions (name varchar PRIMARY KEY, country varchar)',
    `INSERT INTO public.regions VALUES ${[...new Set(REGIONS)].map((r) => `(${q(r)}, ${q(r === 'Ile-de-France' ? 'France' : 'US')})`).join(', ')}`,
  ].join(';\n');
}
