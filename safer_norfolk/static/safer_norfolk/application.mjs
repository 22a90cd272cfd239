// Starts GOV.UK Frontend's components on pages that have them. Pages work without it.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
