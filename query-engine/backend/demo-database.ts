/**
 * The tables of the demo catalog's `postgres` sources (`shared/local/seed/catalog.ts`: `hr_data`,
 * `customers`, `orders` in database `warden`) with a few dozen rows, for the embedded backend
 * `npm start` runs when no `WARDEN_QUERY_BACKEND_URL` is set.
 */
const EMPLOYEES: ReadonlyArray<readonly [number, string, string, string, string, number, string]> = [
  [1, 'Alice', 'Martin', '123-45-6789', 'HR', 72000, 'France'],
  [2, 'Bruno', 'Leroy', '234-56-7890', 'Legal', 98000, 'France'],
  [3, 'Carla', 'Diaz', '345-67-8901', 'Sales', 64000, 'US'],
  [4, 'Dan', 'Okafor', '456-78-9012', 'Engineering', 121000, 'US'],
  [5, 'Eva', 'Novak', '567-89-0123', 'Finance', 88000, 'Germany'],
  [6, 'Femi', 'Adeyemi', '678-90-1234', 'Sales', 59000, 'US'],
  [7, 'Grace', 'Hopper', '789-01-2345', 'Engineering', 134000, 'US'],
  [8, 'Hugo', 'Bernard', '890-12-3456', 'HR', 67000, 'France'],
  [9, 'Ines', 'Costa', '901-23-4567', 'Legal', 91000, 'Portugal'],
  [10, 'Jon', 'Berg', '012-34-5678', 'Sales', 61000, 'US'],
  [11, 'Kenji', 'Sato', '111-22-3333', 'Engineering', 118000, 'Japan'],
  [12, 'Lea', 'Roux', '222-33-4444', 'Finance', 83000, 'France'],
];

const CUSTOMERS: ReadonlyArray<readonly [number, string, string, string]> = [
  [1, 'Acme Corp', '1 Main St, Columbus', 'US'],
  [2, 'Globex', '42 Lake Rd, Detroit', 'US'],
  [3, 'Initech', '9 Elm Ave, Indianapolis', 'US'],
  [4, 'Umbrella', '7 Rue Lafayette, Paris', 'France'],
  [5, 'Hooli', '100 Oak Blvd, Cleveland', 'US'],
  [6, 'Stark Industries', '5 Pine Ct, Ann Arbor', 'US'],
  [7, 'Wayne Enterprises', '3 Gotham Sq, Fort Wayne', 'US'],
  [8, 'Soylent', '12 Quai Voltaire, Lyon', 'France'],
];

const REGIONS = ['Ohio', 'Michigan', 'Indiana', 'Ohio', 'Ohio', 'Michigan', 'Indiana', 'Ile-de-France'];

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The SQL that creates and fills the demo tables (values are this file's constants). */
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
