import { handle } from 'hono/aws-lambda';
import { createConsoleApp } from './app.tsx';

/** The console's Lambda entry: its pages ask the API at the request's own origin. */
export const handler = handle(createConsoleApp());
