import Testing

/// Every test that runs real executables, one after another: they start servers, bind ports and measure
/// timeouts, so running them side by side on a 2-core machine would only make them slow and flaky.
@Suite(.serialized) enum IntegrationSuite {}
