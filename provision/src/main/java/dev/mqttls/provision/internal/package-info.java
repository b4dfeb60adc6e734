/** The provisioning service's parts: the request payload forms and the rate limit. */
package dev.mqttls.provision.internal;
