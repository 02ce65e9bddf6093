import { expect, it } from 'vitest';
import { PROJECT_ROLES, ROBOT_ACTIONS } from '../../../store/index.js';
import { PROJECT_ROLE_CHOICES, ROBOT_ACTION_CHOICES } from './choices.js';

it('offers exactly the roles and robot actions the identity store knows', () => {
  expect(PROJECT_ROLE_CHOICES).toEqual(PROJECT_ROLES);
  expect(ROBOT_ACTION_CHOICES).toEqual(ROBOT_ACTIONS);
});
