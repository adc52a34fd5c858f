/** Appwrite's `Event` validator, delegated to the shared 1.9.6 implementation. */
import { isValidEvent } from "../../provider/lifecycle/events";
import type { Validator } from "./validator";

export class EventValidator implements Validator {
  readonly description = "Event is not valid.";

  isValid(value: unknown): boolean {
    return isValidEvent(value, "1.9.6");
  }
}
